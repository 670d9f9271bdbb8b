package iam

import (
	"context"
	"net/url"

	"kmslab/policy"
)

func (s *Service) detachUserPolicy(ctx context.Context, form url.Values) (any, error) {
	name, arn, err := userAndPolicyARN(form)
	if err != nil {
		return nil, err
	}
	if err := s.require(ctx, "iam:DetachUserPolicy", s.userResource(name), policy.Context{"iam:PolicyARN": {arn}}); err != nil {
		return nil, err
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	u, err := s.lookupUser(name)
	if err != nil {
		return nil, err
	}
	return nil, detach(&u.policyHolder, arn)
}
