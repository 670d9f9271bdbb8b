package iam

import (
	"context"
	"net/url"
)

// deleteRolePermissionsBoundary removes a role's permissions boundary: its identity policies
// alone decide again.
func (s *Service) deleteRolePermissionsBoundary(ctx context.Context, form url.Values) (any, error) {
	v := newValidator(form)
	name, _ := v.str("RoleName", true, ruleRoleName)
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := s.require(ctx, "iam:DeleteRolePermissionsBoundary", s.roleResource(name), nil); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.lookupRole(name)
	if err != nil {
		return nil, err
	}
	r.Boundary = ""
	return nil, nil
}
