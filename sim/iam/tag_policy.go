package iam

import (
	"context"
	"net/url"
)

func (s *Service) tagPolicy(ctx context.Context, form url.Values) (any, error) {
	return s.tagEntity(ctx, form, policyTags, "iam:TagPolicy")
}
