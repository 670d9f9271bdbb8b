package kms

import (
	"strings"
	"unicode/utf8"

	"kmslab/sim/wire"
)

// validation collects constraint violations and reports them the way AWS's
// request validation does: "N validation error(s) detected: a; b".
type validation struct{ wire.Violations }

func (v *validation) add(format string, args ...any) { v.Add(format, args...) }

// str checks a string member: required means null is refused; length is in characters.
func (v *validation) str(field string, s *string, required bool, min, max int) {
	if s == nil {
		if required {
			v.add("Value null at '%s' failed to satisfy constraint: Member must not be null", field)
		}
		return
	}
	n := utf8.RuneCountInString(*s)
	if n < min {
		v.add("Value at '%s' failed to satisfy constraint: Member must have length greater than or equal to %d", field, min)
	}
	if max > 0 && n > max {
		v.add("Value at '%s' failed to satisfy constraint: Member must have length less than or equal to %d", field, max)
	}
}

// blob checks a binary member's length in bytes.
func (v *validation) blob(field string, b []byte, required bool, min, max int) {
	if b == nil {
		if required {
			v.add("Value null at '%s' failed to satisfy constraint: Member must not be null", field)
		}
		return
	}
	if len(b) < min {
		v.add("Value at '%s' failed to satisfy constraint: Member must have length greater than or equal to %d", field, min)
	}
	if len(b) > max {
		v.add("Value at '%s' failed to satisfy constraint: Member must have length less than or equal to %d", field, max)
	}
}

func (v *validation) enum(field string, s *string, values ...string) {
	if s == nil {
		return
	}
	for _, e := range values {
		if *s == e {
			return
		}
	}
	v.add("Value '%s' at '%s' failed to satisfy constraint: Member must satisfy enum value set: [%s]", *s, field, strings.Join(values, ", "))
}

func (v *validation) intRange(field string, n *int32, min, max int32) {
	if n == nil {
		return
	}
	if *n < min {
		v.add("Value '%d' at '%s' failed to satisfy constraint: Member must have value greater than or equal to %d", *n, field, min)
	}
	if *n > max {
		v.add("Value '%d' at '%s' failed to satisfy constraint: Member must have value less than or equal to %d", *n, field, max)
	}
}

func (v *validation) pattern(field string, s *string, ok func(rune) bool, pattern string) {
	if s == nil || *s == "" {
		return
	}
	for _, r := range *s {
		if !ok(r) {
			v.add("Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: %s", *s, field, pattern)
			return
		}
	}
}

// err is the collected ValidationException, or nil.
func (v *validation) err() error { return v.Err("ValidationException") }

// aliasChar is AliasNameType's and GrantNameType's pattern ^[a-zA-Z0-9:/_-]+$.
func aliasChar(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == ':' || r == '/' || r == '_' || r == '-'
}

// policyChar is PolicyType's pattern [\u0009\u000A\u000D\u0020-\u00FF]+.
func policyChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0xff
}

// wordChar is PolicyNameType's pattern [\w]+.
func wordChar(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_'
}
