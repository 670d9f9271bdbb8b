package iam

import (
	"context"
	"net/url"
)

func (s *Service) untagPolicy(ctx context.Context, form url.Values) (any, error) {
	return s.untagEntity(ctx, form, policyTags, "iam:UntagPolicy")
}
