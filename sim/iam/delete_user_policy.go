package iam

import (
	"context"
	"net/url"
)

func (s *Service) deleteUserPolicy(ctx context.Context, form url.Values) (any, error) {
	name, policyName, err := userAndPolicyName(form)
	if err != nil {
		return nil, err
	}
	if err := s.require(ctx, "iam:DeleteUserPolicy", s.userResource(name), nil); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u, err := s.lookupUser(name)
	if err != nil {
		return nil, err
	}
	if _, ok := u.Inline[policyName]; !ok {
		return nil, noSuchUserPolicy(policyName)
	}
	delete(u.Inline, policyName)
	return nil, nil
}
