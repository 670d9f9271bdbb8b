package iam

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"kmslab/sim/api"
)

type createRoleResult struct {
	Role roleXML `xml:"Role"`
}

var ruleRoleDescription = stringRule{max: 1000, re: lazyRegexp(`^[\t\n\r\x20-\x7E\x{A1}-\x{FF}]*$`), pat: `[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*`}

func (s *Service) createRole(ctx context.Context, form url.Values) (any, error) {
	v := newValidator(form)
	name, _ := v.str("RoleName", true, ruleRoleName)
	path, hasPath := v.str("Path", false, ruleUserPath)
	trust, _ := v.str("AssumeRolePolicyDocument", true, rulePolicyDocument)
	description, _ := v.str("Description", false, ruleRoleDescription)
	maxSession := v.integer("MaxSessionDuration", 3600, 43200, defaultMaxSessionDuration)
	boundary, _ := v.str("PermissionsBoundary", false, ruleARN)
	tags := v.tags("Tags", false)
	if err := v.err(); err != nil {
		return nil, err
	}
	if !hasPath {
		path = "/"
	}
	if err := checkTagKeys(tags); err != nil {
		return nil, err
	}
	arn := s.roleARN(path, name)
	if err := s.checkBoundary(ctx, "iam:CreateRole", arn, boundary); err != nil {
		return nil, err
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	doc, err := s.parseTrust(trust)
	if err != nil {
		return nil, err
	}
	if _, ok := s.roles[strings.ToLower(name)]; ok {
		return nil, api.Errorf(http.StatusConflict, "EntityAlreadyExists", "Role with name %s already exists.", name)
	}
	r := &role{
		Name: name, Path: path, ID: s.env.ID("AROA", 21), ARN: arn, Created: s.env.Now(),
		Description: description, MaxSession: maxSession, Trust: trust, TrustDoc: doc, Tags: tags, Boundary: boundary,
		policyHolder: policyHolder{Inline: map[string]*inlinePolicy{}},
	}
	s.roles[strings.ToLower(name)] = r
	out := r.xml(false)
	out.PermissionsBoundary = boundaryOf(boundary)
	if len(tags) > 0 {
		t := list(tagsXML(tags))
		out.Tags = &t
	}
	return createRoleResult{Role: out}, nil
}

// integer reads an optional integer parameter within [min, max], or def when absent.
func (v *validator) integer(name string, min, max, def int) int {
	raw, ok := v.form[name]
	if !ok {
		return def
	}
	val := ""
	if len(raw) > 0 {
		val = raw[0]
	}
	member := lowerFirst(name)
	n, err := strconv.Atoi(val)
	switch {
	case err != nil:
		v.add("Value '%s' at '%s' failed to satisfy constraint: Member must be a number", val, member)
	case n < min:
		v.add("Value '%d' at '%s' failed to satisfy constraint: Member must have value greater than or equal to %d", n, member, min)
	case n > max:
		v.add("Value '%d' at '%s' failed to satisfy constraint: Member must have value less than or equal to %d", n, member, max)
	default:
		return n
	}
	return def
}
