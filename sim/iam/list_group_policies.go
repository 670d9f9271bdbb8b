package iam

import (
	"context"
	"net/url"
)

func (s *Service) listGroupPolicies(ctx context.Context, form url.Values) (any, error) {
	return s.listInline(ctx, form, groupKind, "iam:ListGroupPolicies")
}
