package iam

import (
	"net/url"
	"strings"
)

// Copy is a copy of s as it is now, sharing only what never changes (the
// AWS managed policies, the environment, the authorizer): the offline AWS's
// realistic mode keeps such copies as what IAM's reads and authorization
// still see while a change propagates (sim/realism_iam.go).
func (s *Service) Copy() (*Service, error) {
	b, err := s.MarshalState()
	if err != nil {
		return nil, err
	}
	c := &Service{env: s.env, opts: s.opts, az: s.az, managed: s.managed, loadErr: s.loadErr}
	if err := c.RestoreState(b); err != nil {
		return nil, err
	}
	return c, nil
}

// Stale is the error a write (op with its form) meets when the part of IAM
// that answers it still sees view, the account as it was, where s already
// holds the change: a user, group, role or customer managed policy it names
// that view does not have yet is NoSuchEntity, and a user, group or policy
// whose dependents s no longer has but view still does is DeleteConflict, in
// the words IAM uses for each. nil when view would answer as s does.
func (s *Service) Stale(view *Service, op string, form url.Values) error {
	if view == nil || view == s {
		return nil
	}
	type named struct {
		param, create string
		has           func(*Service, string) bool
		missing       func(string) error
	}
	for _, n := range []named{
		{"UserName", "CreateUser", (*Service).hasUser, func(v string) error { return noSuchUser(v) }},
		{"GroupName", "CreateGroup", (*Service).hasGroup, func(v string) error { return noSuchGroup(v) }},
		{"RoleName", "CreateRole", (*Service).hasRole, func(v string) error { return noSuchRole(v) }},
		{"PolicyArn", "", (*Service).hasLocalPolicy, func(v string) error { return noSuchPolicy(v) }},
		{"PermissionsBoundary", "", (*Service).hasLocalPolicy, func(v string) error { return noSuchPolicy(v) }},
	} {
		v := form.Get(n.param)
		if v == "" || op == n.create {
			continue
		}
		if s.has(n.has, v) && !view.has(n.has, v) {
			return n.missing(v)
		}
	}
	switch op {
	case "DeleteUser":
		name := strings.ToLower(form.Get("UserName"))
		return staleConflict(s, view, func(x *Service) error {
			if u, ok := x.users[name]; ok {
				return x.userConflict(u)
			}
			return nil
		})
	case "DeleteGroup":
		name := strings.ToLower(form.Get("GroupName"))
		return staleConflict(s, view, func(x *Service) error {
			if g, ok := x.groups[name]; ok {
				return groupConflict(g)
			}
			return nil
		})
	case "DeletePolicy":
		arn := form.Get("PolicyArn")
		return staleConflict(s, view, func(x *Service) error {
			if mp, ok := x.policies[arn]; ok {
				return x.policyConflict(mp)
			}
			return nil
		})
	}
	return nil
}

// staleConflict is view's refusal to delete when s has none.
func staleConflict(s, view *Service, conflict func(*Service) error) error {
	s.mu.RLock()
	now := conflict(s)
	s.mu.RUnlock()
	if now != nil {
		return nil // s refuses it itself
	}
	view.mu.RLock()
	defer view.mu.RUnlock()
	return conflict(view)
}

func (s *Service) has(f func(*Service, string) bool, v string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return f(s, v)
}

func (s *Service) hasUser(name string) bool  { _, ok := s.users[strings.ToLower(name)]; return ok }
func (s *Service) hasGroup(name string) bool { _, ok := s.groups[strings.ToLower(name)]; return ok }
func (s *Service) hasRole(name string) bool  { _, ok := s.roles[strings.ToLower(name)]; return ok }
func (s *Service) hasLocalPolicy(arn string) bool {
	_, ok := s.policies[arn]
	return ok
}
