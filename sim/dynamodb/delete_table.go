package dynamodb

import (
	"context"

	"kmslab/sim/api"
)

func (s *Service) deleteTable(ctx context.Context, body []byte) (any, error) {
	var in tableNameInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	t, err := s.controlTable(ctx, "DeleteTable", in.TableName)
	if err != nil {
		return nil, err
	}
	if s.env.Now().Before(t.ready) {
		return nil, errTableInUse("created", t.name)
	}
	if t.protected {
		return nil, api.BadRequest("ResourceInUseException", "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.")
	}
	d := s.describe(t, "DELETING")
	s.mu.Lock()
	if s.tables[t.name] == t {
		delete(s.tables, t.name)
	}
	s.mu.Unlock()
	t.mu.Lock()
	t.deleted = true
	t.items = newPartitions()
	t.mu.Unlock()
	s.forget(t.id)
	s.retireGrant(ctx, t.sse)
	return tableDescriptionOutput{TableDescription: d}, nil
}
