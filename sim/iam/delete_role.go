package iam

import (
	"context"
	"net/url"
	"strings"
)

// deleteRole removes a role; sessions already issued for it stop
// authenticating at once (LookupAccessKey finds no role behind them).
func (s *Service) deleteRole(ctx context.Context, form url.Values) (any, error) {
	v := newValidator(form)
	name, _ := v.str("RoleName", true, ruleRoleName)
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := s.require(ctx, "iam:DeleteRole", s.roleResource(name), nil); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.lookupRole(name)
	if err != nil {
		return nil, err
	}
	switch {
	case len(r.Attached) > 0:
		return nil, deleteConflict("must detach all policies first.")
	case len(r.Inline) > 0:
		return nil, deleteConflict("must delete policies first.")
	}
	delete(s.roles, strings.ToLower(r.Name))
	return nil, nil
}
