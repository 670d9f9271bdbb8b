package dynamodb

import (
	"context"
	"strings"

	"kmslab/sim/api"
)

type tagResourceInput struct {
	ResourceArn string   `json:"ResourceArn"`
	Tags        []tag    `json:"Tags"`
	TagKeys     []string `json:"TagKeys"`
	NextToken   string   `json:"NextToken"`
}

// tagTable authorizes op on a table ARN and returns the table.
func (s *Service) tagTable(ctx context.Context, op, ref string) (*table, error) {
	var v validation
	if ref == "" {
		v.add("Value null at 'resourceArn' failed to satisfy constraint: Member must not be null")
	} else if len(ref) > 1283 {
		v.add("Value '%s' at 'resourceArn' failed to satisfy constraint: Member must have length less than or equal to 1283", ref)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	if !strings.HasPrefix(ref, "arn:aws:dynamodb:") || !strings.Contains(ref, ":table/") {
		return nil, errInvalidTableARN(ref)
	}
	name, ok := s.nameFromRef(ref)
	s.mu.Lock()
	t := s.tables[name]
	s.mu.Unlock()
	if !ok {
		t = nil
	}
	if err := s.authorizeOn(ctx, op, ref, t); err != nil {
		return nil, err
	}
	if !ok || t == nil {
		return nil, api.BadRequest("ResourceNotFoundException", "Requested resource not found: ResourcArn: %s not found", ref)
	}
	return t, nil
}

func mergeTags(old, add []tag) []tag {
	out := append([]tag(nil), old...)
	for _, a := range add {
		replaced := false
		for i := range out {
			if out[i].Key == a.Key {
				out[i].Value, replaced = a.Value, true
			}
		}
		if !replaced {
			out = append(out, a)
		}
	}
	return out
}

func (v *validation) tags(field string, tags []tag) {
	if len(tags) > 50 {
		v.add("Value at '%s' failed to satisfy constraint: Member must have length less than or equal to 50", field)
	}
	for i, tg := range tags {
		if len(tg.Key) < 1 || len(tg.Key) > 128 {
			v.add("Value '%s' at '%s.%d.member.key' failed to satisfy constraint: Member must have length between 1 and 128", tg.Key, field, i+1)
		}
		if len(tg.Value) > 256 {
			v.add("Value '%s' at '%s.%d.member.value' failed to satisfy constraint: Member must have length less than or equal to 256", tg.Value, field, i+1)
		}
	}
}
