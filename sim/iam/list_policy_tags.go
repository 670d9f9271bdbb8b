package iam

import (
	"context"
	"net/url"
)

func (s *Service) listPolicyTags(ctx context.Context, form url.Values) (any, error) {
	return s.listEntityTags(ctx, form, policyTags, "iam:ListPolicyTags")
}
