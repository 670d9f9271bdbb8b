package dynamodb

import "context"

func (s *Service) tagResource(ctx context.Context, body []byte) (any, error) {
	var in tagResourceInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var v validation
	if in.Tags == nil {
		v.add("Value null at 'tags' failed to satisfy constraint: Member must not be null")
	}
	v.tags("tags", in.Tags)
	if err := v.err(); err != nil {
		return nil, err
	}
	t, err := s.tagTable(ctx, "TagResource", in.ResourceArn)
	if err != nil {
		return nil, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	merged := mergeTags(t.tags, in.Tags)
	if len(merged) > 50 {
		return nil, validationErr("One or more parameter values were invalid: The number of tags exceeds the limit of 50")
	}
	t.tags = merged
	return struct{}{}, nil
}
