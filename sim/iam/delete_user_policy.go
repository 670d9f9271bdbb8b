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
	return s.changeUser(ctx, "iam:DeleteUserPolicy", name, nil, func(u *user) (any, error) {
		if _, ok := u.Inline[policyName]; !ok {
			return nil, noSuchUserPolicy(policyName)
		}
		delete(u.Inline, policyName)
		return nil, nil
	})
}
