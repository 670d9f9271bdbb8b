package iam

import (
	"context"
	"net/url"
)

// deleteUserPermissionsBoundary removes a user's permissions boundary.
func (s *Service) deleteUserPermissionsBoundary(ctx context.Context, form url.Values) (any, error) {
	v := newValidator(form)
	name, _ := v.str("UserName", true, ruleUserName)
	if err := v.err(); err != nil {
		return nil, err
	}
	return s.changeUser(ctx, "iam:DeleteUserPermissionsBoundary", name, nil, func(u *user) (any, error) {
		u.Boundary = ""
		return nil, nil
	})
}
