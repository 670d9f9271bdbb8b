package iam

import (
	"context"
	"net/url"
)

// listGroupsForUser lists the groups a user belongs to; the AWS CLI's way to
// empty a user before DeleteUser asks it too.
func (s *Service) listGroupsForUser(ctx context.Context, form url.Values) (any, error) {
	v := newValidator(form)
	name, _ := v.str("UserName", true, ruleExistingUser)
	marker, _ := v.str("Marker", false, ruleMarker)
	maxItems := v.maxItems()
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := s.require(ctx, "iam:ListGroupsForUser", s.userResource(name), nil); err != nil {
		return nil, err
	}
	s.mu.RLock()
	u, err := s.lookupUser(name)
	var groups []groupXML
	if err == nil {
		for _, g := range s.groupsOf(u) {
			groups = append(groups, g.xml())
		}
	}
	s.mu.RUnlock()
	if err != nil {
		return nil, err
	}
	return pageGroups(groups, marker, maxItems)
}
