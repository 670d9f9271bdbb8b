package iam

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"kmslab/sim/api"
	"kmslab/sim/wire"
)

// Patterns and limits from IAM's API model; AWS checks them before anything
// else and reports every violation in one ValidationError. The patterns are
// compiled on first use: compiling the \p{...} classes at package init cost
// every kmslab subcommand (version included) about 600 allocations.
var (
	userNameRE     = lazyRegexp(`^[\w+=,.@-]+$`)
	accessKeyIDRE  = lazyRegexp(`^\w+$`)
	userPathRE     = lazyRegexp(`^(/|/[\x21-\x7E]+/)$`)
	pathPrefixRE   = lazyRegexp(`^/[\x21-\x7F]*$`)
	policyPathRE   = lazyRegexp(`^((/[A-Za-z0-9.,+@=_-]+)*)/$`)
	markerRE       = lazyRegexp(`^[\x20-\xFF]+$`)
	policyDocRE    = lazyRegexp(`^[\t\n\r\x20-\x{FF}]+$`)
	tagKeyRE       = lazyRegexp(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$`)
	tagValueRE     = lazyRegexp(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)
	versionIDRE    = lazyRegexp(`^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?$`)
	userNamePat    = `[\w+=,.@-]+`
	policyDocPat   = `[\u0009\u000A\u000D\u0020-\u00FF]+`
	userPathPat    = `(\u002F)|(\u002F[\u0021-\u007E]+\u002F)`
	pathPrefixPat  = `\u002F[\u0021-\u007F]*`
	policyPathPat  = `((/[A-Za-z0-9\.,\+@=_-]+)*)/`
	markerPat      = `[\u0020-\u00FF]+`
	tagKeyPat      = `[\p{L}\p{Z}\p{N}_.:/=+\-@]+`
	tagValuePat    = `[\p{L}\p{Z}\p{N}_.:/=+\-@]*`
	versionIDPat   = `v[1-9][0-9]*(\.[A-Za-z0-9-]*)?`
	accessKeyIDPat = `[\w]+`
)

// validator collects model violations in AWS's wording.
type validator struct {
	form url.Values
	wire.Violations
}

func newValidator(form url.Values) *validator { return &validator{form: form} }

func (v *validator) add(format string, args ...any) { v.Add(format, args...) }

// err is nil or the ValidationError listing every violation.
func (v *validator) err() error { return v.Err("ValidationError") }

// lowerFirst turns a parameter name into the member name AWS reports (UserName -> userName).
func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// stringRule is one string member's constraints.
type stringRule struct {
	min, max int
	re       *lazyRE
	pat      string
	enum     []string
}

var (
	ruleUserName        = stringRule{min: 1, max: 64, re: userNameRE, pat: userNamePat}
	ruleExistingUser    = stringRule{min: 1, max: 128, re: userNameRE, pat: userNamePat}
	rulePolicyName      = stringRule{min: 1, max: 128, re: userNameRE, pat: userNamePat}
	ruleUserPath        = stringRule{min: 1, max: 512, re: userPathRE, pat: userPathPat}
	rulePathPrefix      = stringRule{min: 1, max: 512, re: pathPrefixRE, pat: pathPrefixPat}
	rulePolicyPath      = stringRule{min: 1, max: 512, re: policyPathRE, pat: policyPathPat}
	ruleARN             = stringRule{min: 20, max: 2048}
	ruleMarker          = stringRule{min: 1, max: 320, re: markerRE, pat: markerPat}
	rulePolicyDocument  = stringRule{min: 1, max: 131072, re: policyDocRE, pat: policyDocPat}
	ruleAccessKeyID     = stringRule{min: 16, max: 128, re: accessKeyIDRE, pat: accessKeyIDPat}
	ruleAccessKeyStatus = stringRule{enum: []string{"Active", "Inactive", "Expired"}}
	ruleVersionID       = stringRule{re: versionIDRE, pat: versionIDPat}
	ruleScope           = stringRule{enum: []string{"All", "AWS", "Local"}}
	ruleUsageFilter     = stringRule{enum: []string{"PermissionsPolicy", "PermissionsBoundary"}}
	ruleActionName      = stringRule{min: 3, max: 128}
	ruleResourceName    = stringRule{min: 1, max: 2048}
	ruleContextKeyName  = stringRule{min: 5, max: 256}
	ruleTagKey          = stringRule{min: 1, max: 128, re: tagKeyRE, pat: tagKeyPat}
	ruleTagValue        = stringRule{min: 0, max: 256, re: tagValueRE, pat: tagValuePat}
)

// check validates value (reported as member) against r.
func (v *validator) check(member, value string, r stringRule) {
	n := utf8.RuneCountInString(value)
	quoted := "'" + value + "'"
	if len(value) > 256 {
		quoted = "'" + value[:256] + "...'" // AWS truncates long values in messages too
	}
	switch {
	case r.min > 0 && n < r.min:
		v.add("Value %s at '%s' failed to satisfy constraint: Member must have length greater than or equal to %d", quoted, member, r.min)
	case r.max > 0 && n > r.max:
		v.add("Value %s at '%s' failed to satisfy constraint: Member must have length less than or equal to %d", quoted, member, r.max)
	case r.re != nil && !r.re.MatchString(value) && !(r.min == 0 && value == ""):
		v.add("Value %s at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: %s", quoted, member, r.pat)
	case r.enum != nil && !contains(r.enum, value):
		v.add("Value %s at '%s' failed to satisfy constraint: Member must satisfy enum value set: [%s]", quoted, member, strings.Join(r.enum, ", "))
	}
}

// pathPrefix reads the PathPrefix parameter of a listing; absent, it is "/",
// with which every path starts.
func (v *validator) pathPrefix(r stringRule) string {
	prefix, ok := v.str("PathPrefix", false, r)
	if !ok {
		return "/"
	}
	return prefix
}

// str reads a string parameter; required ones missing are reported as null.
func (v *validator) str(name string, required bool, r stringRule) (string, bool) {
	vals, ok := v.form[name]
	if !ok {
		if required {
			v.add("Value null at '%s' failed to satisfy constraint: Member must not be null", lowerFirst(name))
		}
		return "", false
	}
	val := ""
	if len(vals) > 0 {
		val = vals[0]
	}
	v.check(lowerFirst(name), val, r)
	return val, true
}

// maxItems reads MaxItems (1-1000), defaulting to 100.
func (v *validator) maxItems() int {
	raw, ok := v.form["MaxItems"]
	if !ok {
		return defaultMaxItems
	}
	val := ""
	if len(raw) > 0 {
		val = raw[0]
	}
	n, err := strconv.Atoi(val)
	switch {
	case err != nil:
		v.add("Value '%s' at 'maxItems' failed to satisfy constraint: Member must be a number", val)
	case n < 1:
		v.add("Value '%d' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1", n)
	case n > 1000:
		v.add("Value '%d' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 1000", n)
	default:
		return n
	}
	return defaultMaxItems
}

// boolean reads an optional boolean parameter as the SDKs send it ("true"/"false").
func (v *validator) boolean(name string) bool {
	raw, ok := v.form[name]
	if !ok || len(raw) == 0 {
		return false
	}
	b, err := strconv.ParseBool(raw[0])
	if err != nil {
		v.add("Value '%s' at '%s' failed to satisfy constraint: Member must be a boolean", raw[0], lowerFirst(name))
	}
	return b
}

// list reads a list of strings, each checked against r; max 0 means unbounded.
func (v *validator) list(name string, required bool, max int, r stringRule) []string {
	if required && !wire.FormHas(v.form, name) {
		v.add("Value null at '%s' failed to satisfy constraint: Member must not be null", lowerFirst(name))
		return nil
	}
	vals, err := wire.FormList(v.form, name)
	if err != nil {
		v.add("Value at '%s' failed to satisfy constraint: %s", lowerFirst(name), errMessage(err))
		return nil
	}
	if max > 0 && len(vals) > max {
		v.add("Value '%s' at '%s' failed to satisfy constraint: Member must have length less than or equal to %d", "["+strings.Join(vals, ", ")+"]", lowerFirst(name), max)
	}
	for i, val := range vals {
		v.check(fmt.Sprintf("%s.%d.member", lowerFirst(name), i+1), val, r)
	}
	return vals
}

// tags reads a Tags list (Key/Value members).
func (v *validator) tags(name string, required bool) []tag {
	if required && !wire.FormHas(v.form, name) {
		v.add("Value null at '%s' failed to satisfy constraint: Member must not be null", lowerFirst(name))
		return nil
	}
	members, err := wire.FormMembers(v.form, name)
	if err != nil {
		v.add("Value at '%s' failed to satisfy constraint: %s", lowerFirst(name), errMessage(err))
		return nil
	}
	if len(members) > maxTagsPerUser {
		v.add("Value at '%s' failed to satisfy constraint: Member must have length less than or equal to %d", lowerFirst(name), maxTagsPerUser)
	}
	out := make([]tag, 0, len(members))
	for i, m := range members {
		base := fmt.Sprintf("%s.%d.member", lowerFirst(name), i+1)
		sub := &validator{form: m}
		key, _ := sub.str("Key", true, ruleTagKey)
		val, _ := sub.str("Value", true, ruleTagValue)
		for _, e := range sub.List {
			v.List = append(v.List, strings.Replace(e, "at '", "at '"+base+".", 1))
		}
		out = append(out, tag{Key: key, Value: val})
	}
	return out
}

func errMessage(err error) string {
	if ae, ok := err.(*api.Error); ok {
		return ae.Message
	}
	return err.Error()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// invalidARN is IAM's answer to a string that is not an ARN at all.
func invalidARN(arn string) *api.Error {
	return api.BadRequest("InvalidInput", "ARN %s is not valid.", arn)
}

// splitARN returns the six fields of an ARN, or false.
func splitARN(arn string) ([]string, bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[1] == "" || parts[2] == "" || parts[5] == "" {
		return nil, false
	}
	return parts, true
}

// lazyRE is a regular expression compiled the first time it is matched.
type lazyRE struct {
	re func() *regexp.Regexp
}

func lazyRegexp(expr string) *lazyRE {
	return &lazyRE{re: sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })}
}

// MatchString reports whether s matches the expression.
func (l *lazyRE) MatchString(s string) bool { return l.re().MatchString(s) }
