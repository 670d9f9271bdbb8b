package iam

import (
	"context"
	"net/url"
)

// putUserPermissionsBoundary sets or replaces a user's permissions boundary.
func (s *Service) putUserPermissionsBoundary(ctx context.Context, form url.Values) (any, error) {
	v := newValidator(form)
	name, _ := v.str("UserName", true, ruleUserName)
	arn, _ := v.str("PermissionsBoundary", true, ruleARN)
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := s.checkBoundary(ctx, "iam:PutUserPermissionsBoundary", s.userResource(name), arn); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u, err := s.lookupUser(name)
	if err != nil {
		return nil, err
	}
	u.Boundary = arn
	return nil, nil
}
