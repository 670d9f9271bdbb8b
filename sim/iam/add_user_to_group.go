package iam

import (
	"context"
	"net/http"
	"net/url"

	"kmslab/sim/api"
)

func (s *Service) addUserToGroup(ctx context.Context, form url.Values) (any, error) {
	return s.changeMembership(ctx, form, "iam:AddUserToGroup", func(g *group, u *user) error {
		if containsFold(g.Members, u.Name) {
			return nil // adding twice is not an error on AWS
		}
		if len(s.groupsOf(u)) >= maxGroupsPerUser {
			return api.Errorf(http.StatusConflict, "LimitExceeded", "Cannot exceed quota for GroupsPerUser: %d", maxGroupsPerUser)
		}
		g.Members = append(g.Members, u.Name)
		return nil
	})
}

// changeMembership is the opening of AddUserToGroup and RemoveUserFromGroup:
// read GroupName and UserName, authorize action on the group, take the write
// lock, find both; run then changes the membership under the lock.
func (s *Service) changeMembership(ctx context.Context, form url.Values, action string, run func(g *group, u *user) error) (any, error) {
	groupName, userName, err := groupAndUser(form)
	if err != nil {
		return nil, err
	}
	if err := s.require(ctx, action, s.groupResource(groupName), nil); err != nil {
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
	return nil, run(g, u)
}

// groupAndUser reads the GroupName and UserName parameters.
func groupAndUser(form url.Values) (string, string, error) {
	v := newValidator(form)
	groupName, _ := v.str("GroupName", true, ruleGroupName)
	userName, _ := v.str("UserName", true, ruleExistingUser)
	return groupName, userName, v.err()
}
