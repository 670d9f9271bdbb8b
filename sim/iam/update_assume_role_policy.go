package iam

import (
	"context"
	"net/url"
)

// updateAssumeRolePolicy replaces a role's trust policy; sessions already
// issued keep working until they expire, as on AWS.
func (s *Service) updateAssumeRolePolicy(ctx context.Context, form url.Values) (any, error) {
	v := newValidator(form)
	name, _ := v.str("RoleName", true, ruleRoleName)
	text, _ := v.str("PolicyDocument", true, rulePolicyDocument)
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := s.require(ctx, "iam:UpdateAssumeRolePolicy", s.roleResource(name), nil); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.lookupRole(name)
	if err != nil {
		return nil, err
	}
	doc, err := s.parseTrust(text)
	if err != nil {
		return nil, err
	}
	r.Trust, r.TrustDoc = text, doc
	return nil, nil
}
