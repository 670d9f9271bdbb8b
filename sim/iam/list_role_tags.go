package iam

import (
	"context"
	"net/url"
)

func (s *Service) listRoleTags(ctx context.Context, form url.Values) (any, error) {
	return s.listEntityTags(ctx, form, roleTags, "iam:ListRoleTags")
}
