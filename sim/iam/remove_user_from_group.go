package iam

import (
	"context"
	"net/url"
	"strings"
)

func (s *Service) removeUserFromGroup(ctx context.Context, form url.Values) (any, error) {
	groupName, userName, err := groupAndUser(form)
	if err != nil {
		return nil, err
	}
	if err := s.require(ctx, "iam:RemoveUserFromGroup", s.groupResource(groupName), nil); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.lookupGroup(groupName)
	if err != nil {
		return nil, err
	}
	u, err := s.lookupUser(userName)
	if err != nil {
		return nil, err
	}
	for i, m := range g.Members {
		if strings.EqualFold(m, u.Name) {
			g.Members = append(g.Members[:i:i], g.Members[i+1:]...)
			return nil, nil
		}
	}
	// Not a member: AWS names the user as not found in the group.
	return nil, noSuchUser(userName)
}
