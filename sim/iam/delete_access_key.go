package iam

import (
	"context"
	"net/url"
)

func (s *Service) deleteAccessKey(ctx context.Context, form url.Values) (any, error) {
	name, id, err := s.userAndKey(ctx, form, nil)
	if err != nil {
		return nil, err
	}
	if err := s.require(ctx, "iam:DeleteAccessKey", s.userResource(name), nil); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u, k, err := s.lookupKey(name, id)
	if err != nil {
		return nil, err
	}
	delete(s.keys, k.ID)
	for i, kid := range u.Keys {
		if kid == k.ID {
			u.Keys = append(u.Keys[:i:i], u.Keys[i+1:]...)
			break
		}
	}
	return nil, nil
}

// userAndKey reads UserName (default: the caller) and AccessKeyId, and validates
// the rest of the form with extra.
func (s *Service) userAndKey(ctx context.Context, form url.Values, extra func(*validator)) (string, string, error) {
	v := newValidator(form)
	v.str("UserName", false, ruleExistingUser)
	id, _ := v.str("AccessKeyId", true, ruleAccessKeyID)
	if extra != nil {
		extra(v)
	}
	if err := v.err(); err != nil {
		return "", "", err
	}
	name, err := s.targetUser(ctx, form)
	return name, id, err
}

// lookupKey finds user name's key id; callers hold mu. A key of another user
// is as unknown as a key that does not exist.
func (s *Service) lookupKey(name, id string) (*user, *accessKey, error) {
	u, err := s.lookupUser(name)
	if err != nil {
		return nil, nil, err
	}
	k, ok := s.keys[id]
	if !ok || k.UserName != u.Name {
		return nil, nil, noSuchEntity("The Access Key with id %s cannot be found.", id)
	}
	return u, k, nil
}
