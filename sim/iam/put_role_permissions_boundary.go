package iam

import (
	"context"
	"net/url"
)

// putRolePermissionsBoundary sets or replaces a role's permissions boundary.
func (s *Service) putRolePermissionsBoundary(ctx context.Context, form url.Values) (any, error) {
	v := newValidator(form)
	name, _ := v.str("RoleName", true, ruleRoleName)
	arn, _ := v.str("PermissionsBoundary", true, ruleARN)
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := s.checkBoundary(ctx, "iam:PutRolePermissionsBoundary", s.roleResource(name), arn); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.lookupRole(name)
	if err != nil {
		return nil, err
	}
	r.Boundary = arn
	return nil, nil
}
