package dynamodb

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"kmslab/sim/api"
	"kmslab/sim/authz"
	"kmslab/sim/dynamodb/attr"
)

// decode reads an awsJson1_0 body. AttributeValues validate while decoding, so a bad value
// is DynamoDB's ValidationException; anything that is not the right JSON shape is a
// SerializationException, as AWS answers.
func decode(body []byte, v any) error {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("trailing data")
	}
	if err == nil {
		return nil
	}
	var ve *attr.ValidationError
	if errors.As(err, &ve) {
		return validationErr("%s", ve.Message)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return api.BadRequest("SerializationException", "Unexpected value type in payload for field %q", te.Field)
	}
	if errors.Is(err, attr.ErrSerialization) {
		return api.BadRequest("SerializationException", "%s", err.Error())
	}
	return api.BadRequest("SerializationException", "Malformed request body: %s", err.Error())
}

func validationErr(format string, args ...any) *api.Error {
	return api.BadRequest("ValidationException", format, args...)
}

// asValidation turns an attr or expr validation error into a ValidationException and
// passes any other error through.
func asValidation(err error) error {
	if err == nil {
		return nil
	}
	var ve *attr.ValidationError
	if errors.As(err, &ve) {
		return validationErr("%s", ve.Message)
	}
	return err
}

// validation collects constraint violations as AWS's request validation reports them:
// "1 validation error detected: Value ... at 'field' failed to satisfy constraint: ...".
type validation struct{ errs []string }

func (v *validation) add(format string, args ...any) {
	v.errs = append(v.errs, fmt.Sprintf(format, args...))
}

func (v *validation) err() error {
	switch len(v.errs) {
	case 0:
		return nil
	case 1:
		return validationErr("1 validation error detected: %s", v.errs[0])
	}
	return validationErr("%d validation errors detected: %s", len(v.errs), strings.Join(v.errs, "; "))
}

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

func (s *Service) tableARN(name string) string {
	return "arn:aws:dynamodb:" + s.env.Region + ":" + s.env.AccountID + ":table/" + name
}

// nameFromRef accepts a table name or a table ARN of this account and region.
func (s *Service) nameFromRef(ref string) (string, bool) {
	if !strings.HasPrefix(ref, "arn:") {
		return ref, true
	}
	prefix := s.tableARN("")
	if !strings.HasPrefix(ref, prefix) || strings.Contains(ref[len(prefix):], "/") || len(ref) == len(prefix) {
		return "", false
	}
	return ref[len(prefix):], true
}

// authorize requires dynamodb:<op> on the table for the caller.
func (s *Service) authorize(ctx context.Context, op, resource string) error {
	return s.az.Require(ctx, authz.Check{Action: "dynamodb:" + op, Resource: resource})
}

func errNoTable() error {
	return api.BadRequest("ResourceNotFoundException", "Requested resource not found")
}

// dataTable authorizes op on the named table and returns it, for data-plane operations: a
// table that does not exist or is still CREATING is "Requested resource not found".
func (s *Service) dataTable(ctx context.Context, op, ref string) (*table, error) {
	name, ok := s.nameFromRef(ref)
	if !ok {
		return nil, validationErr("Invalid TableArn: Invalid ResourceArn provided as input %s", ref)
	}
	if err := s.authorize(ctx, op, s.tableARN(name)); err != nil {
		return nil, err
	}
	s.mu.Lock()
	t := s.tables[name]
	s.mu.Unlock()
	if t == nil || s.env.Now().Before(t.ready) {
		return nil, errNoTable()
	}
	return t, nil
}
