package iam

import (
	"context"
	"net/url"
)

type listGroupsForUserResult struct {
	Groups      members[struct{}] `xml:"Groups"`
	IsTruncated bool              `xml:"IsTruncated"`
}

// listGroupsForUser answers for an existing user with no groups: the offline
// IAM has none, but the AWS CLI's way to empty a user before DeleteUser asks.
func (s *Service) listGroupsForUser(ctx context.Context, form url.Values) (any, error) {
	v := newValidator(form)
	name, _ := v.str("UserName", true, ruleExistingUser)
	v.str("Marker", false, ruleMarker)
	v.maxItems()
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := s.require(ctx, "iam:ListGroupsForUser", s.userResource(name), nil); err != nil {
		return nil, err
	}
	s.mu.RLock()
	_, err := s.lookupUser(name)
	s.mu.RUnlock()
	if err != nil {
		return nil, err
	}
	return listGroupsForUserResult{Groups: list([]struct{}{})}, nil
}
