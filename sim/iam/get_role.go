package iam

import (
	"context"
	"net/url"
)

type getRoleResult struct {
	Role roleXML `xml:"Role"`
}

func (s *Service) getRole(ctx context.Context, form url.Values) (any, error) {
	v := newValidator(form)
	name, _ := v.str("RoleName", true, ruleRoleName)
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := s.require(ctx, "iam:GetRole", s.roleResource(name), nil); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, err := s.lookupRole(name)
	if err != nil {
		return nil, err
	}
	return getRoleResult{Role: r.xml(true)}, nil
}
