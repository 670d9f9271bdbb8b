package iam

import (
	"context"
	"net/url"
)

func (s *Service) detachRolePolicy(ctx context.Context, form url.Values) (any, error) {
	return s.detachFrom(ctx, form, roleKind, "iam:DetachRolePolicy")
}
