package dynamodb

import (
	"strings"

	"kmslab/sim/wire"
)

// validation collects constraint violations as AWS's request validation reports them:
// "1 validation error detected: Value ... at 'field' failed to satisfy constraint: ...".
type validation struct{ wire.Violations }

func (v *validation) add(format string, args ...any) { v.Add(format, args...) }

func (v *validation) err() error { return v.Err("ValidationException") }

// tableName checks a TableName member (a name, or since 2024 a table ARN).
func (v *validation) tableName(field, name string) {
	if name == "" {
		v.add("Value null at '%s' failed to satisfy constraint: Member must not be null", field)
		return
	}
	if strings.HasPrefix(name, "arn:") {
		if len(name) > 1024 {
			v.add("Value '%s' at '%s' failed to satisfy constraint: Member must have length less than or equal to 1024", name, field)
		}
		return
	}
	if len(name) < 3 {
		v.add("Value '%s' at '%s' failed to satisfy constraint: Member must have length greater than or equal to 3", name, field)
	}
	if len(name) > 255 {
		v.add("Value '%s' at '%s' failed to satisfy constraint: Member must have length less than or equal to 255", name, field)
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.') {
			v.add("Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+", name, field)
			break
		}
	}
}

func (v *validation) enum(field, s string, values ...string) {
	if s == "" {
		return
	}
	for _, e := range values {
		if s == e {
			return
		}
	}
	v.add("Value '%s' at '%s' failed to satisfy constraint: Member must satisfy enum value set: [%s]", s, field, strings.Join(values, ", "))
}

func checkReturnValues(rv string, allowed ...string) error {
	if rv == "" {
		return nil
	}
	for _, a := range allowed {
		if rv == a {
			return nil
		}
	}
	for _, a := range []string{"NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"} {
		if rv == a {
			return validationErr("Return values set to invalid value")
		}
	}
	return validationErr("1 validation error detected: Value '%s' at 'returnValues' failed to satisfy constraint: Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]", rv)
}
