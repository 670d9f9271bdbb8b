package iam

import (
	"context"
	"net/url"
)

func (s *Service) putGroupPolicy(ctx context.Context, form url.Values) (any, error) {
	return s.putInline(ctx, form, groupKind, "iam:PutGroupPolicy")
}
