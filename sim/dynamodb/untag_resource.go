package dynamodb

import "context"

func (s *Service) untagResource(ctx context.Context, body []byte) (any, error) {
	var in tagResourceInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.TagKeys == nil {
		return nil, validationErr("1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null")
	}
	t, err := s.tagTable(ctx, "UntagResource", in.ResourceArn)
	if err != nil {
		return nil, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	drop := map[string]bool{}
	for _, k := range in.TagKeys {
		drop[k] = true
	}
	var kept []tag
	for _, tg := range t.tags {
		if !drop[tg.Key] {
			kept = append(kept, tg)
		}
	}
	t.tags = kept
	return struct{}{}, nil
}
