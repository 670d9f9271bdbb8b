package iam

import (
	"context"
	"net/url"
)

func (s *Service) attachRolePolicy(ctx context.Context, form url.Values) (any, error) {
	return s.attachTo(ctx, form, roleKind, "iam:AttachRolePolicy")
}
