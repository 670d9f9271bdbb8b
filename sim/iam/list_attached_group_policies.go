package iam

import (
	"context"
	"net/url"
)

func (s *Service) listAttachedGroupPolicies(ctx context.Context, form url.Values) (any, error) {
	return s.listAttached(ctx, form, groupKind, "iam:ListAttachedGroupPolicies")
}
