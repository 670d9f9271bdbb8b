package sts

import (
	"context"
	"net/url"
)

// assumeRole hands AssumeRole to IAM, which owns roles and the sessions it issues.
func (s *Service) assumeRole(ctx context.Context, form url.Values) (any, error) {
	return s.roles.AssumeRole(ctx, form)
}
