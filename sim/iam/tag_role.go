package iam

import (
	"context"
	"net/url"
)

func (s *Service) tagRole(ctx context.Context, form url.Values) (any, error) {
	return s.tagEntity(ctx, form, roleTags, "iam:TagRole")
}
