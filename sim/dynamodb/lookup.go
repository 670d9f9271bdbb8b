package dynamodb

import (
	"context"
	"strings"

	"kmslab/sim/api"
	"kmslab/sim/authz"
)

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

// authorize requires dynamodb:<op> on resource for the caller, where no table's policy applies.
func (s *Service) authorize(ctx context.Context, op, resource string) error {
	return s.authorizeOn(ctx, op, resource, nil)
}

// authorizeOn requires dynamodb:<op> on resource for the caller, with t's resource-based
// policy taking part in the decision when t is a table that has one.
func (s *Service) authorizeOn(ctx context.Context, op, resource string, t *table) error {
	c := authz.Check{Action: "dynamodb:" + op, Resource: resource}
	if t != nil {
		if p := t.rbp.Load(); p != nil {
			c.ResourcePolicy = p.doc
		}
	}
	return s.az.Require(ctx, c)
}

// findTable authorizes op on the table ref names (a name, or a table ARN of this account
// and region) and returns the table's name and the table, nil if there is none.
func (s *Service) findTable(ctx context.Context, op, ref string) (string, *table, error) {
	return s.findTableAt(ctx, op, ref, "")
}

// findTableAt is findTable authorizing on the table's ARN followed by suffix
// ("/index/<name>" for a read of an index).
func (s *Service) findTableAt(ctx context.Context, op, ref, suffix string) (string, *table, error) {
	name, ok := s.nameFromRef(ref)
	if !ok {
		return "", nil, errInvalidTableARN(ref)
	}
	s.mu.Lock()
	t := s.tables[name]
	s.mu.Unlock()
	if err := s.authorizeOn(ctx, op, s.tableARN(name)+suffix, t); err != nil {
		return "", nil, err
	}
	return name, t, nil
}

// dataTable authorizes op on the named table and returns it, for data-plane operations: a
// table that does not exist or is still CREATING is "Requested resource not found".
func (s *Service) dataTable(ctx context.Context, op, ref string) (*table, error) {
	return s.readTable(ctx, op, ref, "")
}

// readTable is dataTable for a Query or Scan, which DynamoDB authorizes on the index's ARN
// (table/<table>/index/<index>) when it reads an index: the resource a policy names to allow
// reading an index and not its table (service-authorization reference, Amazon DynamoDB:
// Query and Scan act on the index resource type).
func (s *Service) readTable(ctx context.Context, op, ref, indexName string) (*table, error) {
	suffix := ""
	if indexName != "" {
		suffix = "/index/" + indexName
	}
	_, t, err := s.findTableAt(ctx, op, ref, suffix)
	if err != nil {
		return nil, err
	}
	if t == nil || s.env.Now().Before(t.ready) {
		return nil, errNoTable()
	}
	return t, nil
}

// controlTable authorizes op on the named table and returns it, with the control plane's
// not-found message.
func (s *Service) controlTable(ctx context.Context, op, ref string) (*table, error) {
	var v validation
	v.tableName("tableName", ref)
	if err := v.err(); err != nil {
		return nil, err
	}
	name, t, err := s.findTable(ctx, op, ref)
	if err != nil {
		return nil, err
	}
	if t == nil {
		return nil, api.BadRequest("ResourceNotFoundException", "Requested resource not found: Table: %s not found", name)
	}
	return t, nil
}
