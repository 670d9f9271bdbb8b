package iam

import (
	"context"
	"net/url"
)

func (s *Service) attachUserPolicy(ctx context.Context, form url.Values) (any, error) {
	return s.changeUserPolicy(ctx, form, "iam:AttachUserPolicy", func(u *user, arn string) error {
		return s.attach(&u.policyHolder, arn, "PoliciesPerUser", maxPoliciesPerUser)
	})
}
