package iam

import (
	"context"
	"net/url"
)

func (s *Service) listRolePolicies(ctx context.Context, form url.Values) (any, error) {
	return s.listInline(ctx, form, roleKind, "iam:ListRolePolicies")
}
