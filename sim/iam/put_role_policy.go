package iam

import (
	"context"
	"net/url"
)

func (s *Service) putRolePolicy(ctx context.Context, form url.Values) (any, error) {
	return s.putInline(ctx, form, roleKind, "iam:PutRolePolicy")
}
