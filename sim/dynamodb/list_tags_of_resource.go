package dynamodb

import "context"

func (s *Service) listTagsOfResource(ctx context.Context, body []byte) (any, error) {
	var in tagResourceInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	t, err := s.tagTable(ctx, "ListTagsOfResource", in.ResourceArn)
	if err != nil {
		return nil, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return struct {
		Tags []tag `json:"Tags"`
	}{append([]tag{}, t.tags...)}, nil
}
