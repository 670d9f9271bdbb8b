package iam

import (
	"context"
	"net/url"
	"strings"
)

func (s *Service) deleteGroup(ctx context.Context, form url.Values) (any, error) {
	v := newValidator(form)
	name, _ := v.str("GroupName", true, ruleGroupName)
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := s.require(ctx, "iam:DeleteGroup", s.groupResource(name), nil); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.lookupGroup(name)
	if err != nil {
		return nil, err
	}
	if err := groupConflict(g); err != nil {
		return nil, err
	}
	delete(s.groups, strings.ToLower(g.Name))
	return nil, nil
}

// groupConflict is why AWS refuses to delete g, nil when nothing hangs off it.
func groupConflict(g *group) error {
	// AWS refuses while anything hangs off the group, in this order.
	switch {
	case len(g.Members) > 0:
		return deleteConflict("must remove users from group first.")
	case len(g.Attached) > 0:
		return deleteConflict("must detach all policies first.")
	case len(g.Inline) > 0:
		return deleteConflict("must delete policies first.")
	}
	return nil
}
