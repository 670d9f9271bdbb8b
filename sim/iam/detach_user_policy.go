package iam

import (
	"context"
	"net/url"
)

func (s *Service) detachUserPolicy(ctx context.Context, form url.Values) (any, error) {
	return s.changeUserPolicy(ctx, form, "iam:DetachUserPolicy", func(u *user, arn string) error {
		return detach(&u.policyHolder, arn)
	})
}
