package dynamodb

import "context"

func (s *Service) deleteResourcePolicy(ctx context.Context, body []byte) (any, error) {
	var in struct {
		ResourceArn        string `json:"ResourceArn"`
		ExpectedRevisionId string `json:"ExpectedRevisionId"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var v validation
	v.revisionID(in.ExpectedRevisionId)
	if err := v.err(); err != nil {
		return nil, err
	}
	t, err := s.policyTable(ctx, "DeleteResourcePolicy", in.ResourceArn)
	if err != nil {
		return nil, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	cur := t.rbp.Load()
	if err := checkRevision(t, cur, in.ExpectedRevisionId, false); err != nil {
		return nil, err
	}
	// Without a policy there is nothing to delete and no revision to return
	// (API_DeleteResourcePolicy.html: "This value will be empty if you make a request
	// against a resource without a policy").
	if cur == nil {
		return revisionOutput{}, nil
	}
	t.rbp.Store(nil)
	return revisionOutput{cur.revision}, nil
}
