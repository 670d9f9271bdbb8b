package dynamodb

import "context"

func (s *Service) getResourcePolicy(ctx context.Context, body []byte) (any, error) {
	var in struct {
		ResourceArn string `json:"ResourceArn"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	t, err := s.policyTable(ctx, "GetResourcePolicy", in.ResourceArn)
	if err != nil {
		return nil, err
	}
	p := t.rbp.Load()
	if p == nil {
		return nil, errPolicyNotFound("%s", in.ResourceArn)
	}
	return struct {
		Policy     string `json:"Policy"`
		RevisionId string `json:"RevisionId"`
	}{p.text, p.revision}, nil
}
