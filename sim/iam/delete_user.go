package iam

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"kmslab/sim/api"
)

func (s *Service) deleteUser(ctx context.Context, form url.Values) (any, error) {
	v := newValidator(form)
	name, _ := v.str("UserName", true, ruleExistingUser)
	if err := v.err(); err != nil {
		return nil, err
	}
	return s.changeUser(ctx, "iam:DeleteUser", name, nil, func(u *user) (any, error) {
		if err := s.userConflict(u); err != nil {
			return nil, err
		}
		delete(s.users, strings.ToLower(u.Name))
		return nil, nil
	})
}

// userConflict is why AWS refuses to delete u, nil when nothing hangs off
// it. Callers hold mu.
func (s *Service) userConflict(u *user) error {
	// AWS refuses while anything hangs off the user, in this order.
	switch {
	case len(u.Keys) > 0:
		return deleteConflict("must delete access keys first.")
	case len(u.Certs) > 0:
		return deleteConflict("must delete signing certificates first.")
	case len(u.Attached) > 0:
		return deleteConflict("must detach all policies first.")
	case len(u.Inline) > 0:
		return deleteConflict("must delete policies first.")
	case len(s.groupsOf(u)) > 0:
		return deleteConflict("must remove user from all groups first.")
	}
	return nil
}

func deleteConflict(what string) *api.Error {
	return api.Errorf(http.StatusConflict, "DeleteConflict", "Cannot delete entity, %s", what)
}
