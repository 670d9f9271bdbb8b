package iam

import (
	"context"
	"net/url"
)

func (s *Service) deleteGroupPolicy(ctx context.Context, form url.Values) (any, error) {
	return s.deleteInline(ctx, form, groupKind, "iam:DeleteGroupPolicy")
}
