package iam

import (
	"context"
	"net/url"
)

func (s *Service) deleteRolePolicy(ctx context.Context, form url.Values) (any, error) {
	return s.deleteInline(ctx, form, roleKind, "iam:DeleteRolePolicy")
}
