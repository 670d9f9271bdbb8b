package iam

import (
	"context"
	"net/url"
)

func (s *Service) detachGroupPolicy(ctx context.Context, form url.Values) (any, error) {
	return s.detachFrom(ctx, form, groupKind, "iam:DetachGroupPolicy")
}
