package iam

import (
	"context"
	"net/url"
)

func (s *Service) attachGroupPolicy(ctx context.Context, form url.Values) (any, error) {
	return s.attachTo(ctx, form, groupKind, "iam:AttachGroupPolicy")
}
