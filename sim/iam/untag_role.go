package iam

import (
	"context"
	"net/url"
)

func (s *Service) untagRole(ctx context.Context, form url.Values) (any, error) {
	return s.untagEntity(ctx, form, roleTags, "iam:UntagRole")
}
