package dynamodb

import "context"

type putResourcePolicyInput struct {
	ResourceArn                     string  `json:"ResourceArn"`
	Policy                          *string `json:"Policy"`
	ExpectedRevisionId              string  `json:"ExpectedRevisionId"`
	ConfirmRemoveSelfResourceAccess bool    `json:"ConfirmRemoveSelfResourceAccess"`
}

func (s *Service) putResourcePolicy(ctx context.Context, body []byte) (any, error) {
	var in putResourcePolicyInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var v validation
	if in.Policy == nil {
		v.add("Value null at 'policy' failed to satisfy constraint: Member must not be null")
	}
	v.revisionID(in.ExpectedRevisionId)
	if err := v.err(); err != nil {
		return nil, err
	}
	t, err := s.policyTable(ctx, "PutResourcePolicy", in.ResourceArn)
	if err != nil {
		return nil, err
	}
	doc, text, err := parseTablePolicy(*in.Policy)
	if err != nil {
		return nil, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	cur := t.rbp.Load()
	if err := checkRevision(t, cur, in.ExpectedRevisionId, true); err != nil {
		return nil, err
	}
	// The same document again is the same revision (API_PutResourcePolicy.html: idempotent).
	if cur != nil && cur.text == text {
		return revisionOutput{cur.revision}, nil
	}
	prev := ""
	if cur != nil {
		prev = cur.revision
	}
	p := &tablePolicy{text: text, doc: doc, revision: s.nextRevision(prev)}
	t.rbp.Store(p)
	return revisionOutput{p.revision}, nil
}

type revisionOutput struct {
	RevisionId string `json:"RevisionId,omitempty"`
}
