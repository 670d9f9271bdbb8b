package iam

import (
	"context"
	"net/url"
)

func (s *Service) listAttachedRolePolicies(ctx context.Context, form url.Values) (any, error) {
	return s.listAttached(ctx, form, roleKind, "iam:ListAttachedRolePolicies")
}
