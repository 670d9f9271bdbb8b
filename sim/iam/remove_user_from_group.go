package iam

import (
	"context"
	"net/url"
	"strings"
)

func (s *Service) removeUserFromGroup(ctx context.Context, form url.Values) (any, error) {
	return s.changeMembership(ctx, form, "iam:RemoveUserFromGroup", func(g *group, u *user) error {
		for i, m := range g.Members {
			if strings.EqualFold(m, u.Name) {
				g.Members = append(g.Members[:i:i], g.Members[i+1:]...)
				return nil
			}
		}
		// Not a member: AWS names the user as not found in the group.
		return noSuchUser(form.Get("UserName"))
	})
}
