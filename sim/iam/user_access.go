package iam

import (
	"context"
	"net/url"

	"kmslab/policy"
)

// changeUser is the opening of the IAM calls that change one user: authorize
// action on the user (with the call's own condition keys), take the write
// lock, find the user; run then acts on it under the lock.
func (s *Service) changeUser(ctx context.Context, action, name string, extra policy.Context, run func(u *user) (any, error)) (any, error) {
	if err := s.require(ctx, action, s.userResource(name), extra); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u, err := s.lookupUser(name)
	if err != nil {
		return nil, err
	}
	return run(u)
}

// readUser is the opening of the IAM calls that read one user: authorize
// action on the user, take the read lock, find the user; run then reads it
// under the lock.
func (s *Service) readUser(ctx context.Context, action, name string, run func(u *user) (any, error)) (any, error) {
	if err := s.require(ctx, action, s.userResource(name), nil); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	u, err := s.lookupUser(name)
	if err != nil {
		return nil, err
	}
	return run(u)
}

// changeUserPolicy is the opening of AttachUserPolicy and DetachUserPolicy:
// read UserName and PolicyArn, authorize action on the user with
// iam:PolicyARN, then run on the user under the write lock.
func (s *Service) changeUserPolicy(ctx context.Context, form url.Values, action string, run func(u *user, arn string) error) (any, error) {
	name, arn, err := userAndPolicyARN(form)
	if err != nil {
		return nil, err
	}
	return s.changeUser(ctx, action, name, policy.Context{"iam:PolicyARN": {arn}}, func(u *user) (any, error) {
		return nil, run(u, arn)
	})
}

// userAndPolicyARN reads and checks the UserName and PolicyArn parameters.
func userAndPolicyARN(form url.Values) (string, string, error) {
	v := newValidator(form)
	name, _ := v.str("UserName", true, ruleUserName)
	arn, _ := v.str("PolicyArn", true, ruleARN)
	if err := v.err(); err != nil {
		return "", "", err
	}
	if _, ok := splitARN(arn); !ok {
		return "", "", invalidARN(arn)
	}
	return name, arn, nil
}

// listOfUser is the opening of the IAM calls that list something of one
// user (UserName, Marker, MaxItems): validate, authorize action on the user,
// take what items reads from it under the read lock, and return the page the
// marker asks for. key names an item by its position and value for markers.
func listOfUser[T any](ctx context.Context, s *Service, form url.Values, action string, items func(u *user) []T, key func(i int, item T) string) (got []T, truncated bool, next string, err error) {
	v := newValidator(form)
	name, _ := v.str("UserName", true, ruleExistingUser)
	marker, _ := v.str("Marker", false, ruleMarker)
	maxItems := v.maxItems()
	if err := v.err(); err != nil {
		return nil, false, "", err
	}
	if err := s.require(ctx, action, s.userResource(name), nil); err != nil {
		return nil, false, "", err
	}
	s.mu.RLock()
	u, err := s.lookupUser(name)
	var all []T
	if err == nil {
		all = items(u)
	}
	s.mu.RUnlock()
	if err != nil {
		return nil, false, "", err
	}
	type indexed struct {
		i    int
		item T
	}
	numbered := make([]indexed, len(all))
	for i, it := range all {
		numbered[i] = indexed{i, it}
	}
	page, truncated, next, err := page(numbered, func(x indexed) string { return key(x.i, x.item) }, marker, maxItems)
	if err != nil {
		return nil, false, "", err
	}
	got = make([]T, 0, len(page))
	for _, x := range page {
		got = append(got, x.item)
	}
	return got, truncated, next, nil
}
