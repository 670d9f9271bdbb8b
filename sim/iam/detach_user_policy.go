package iam

import (
	"context"
	"net/http"
	"net/url"

	"kmslab/sim/api"
	"kmslab/policy"
)

func (s *Service) detachUserPolicy(ctx context.Context, form url.Values) (any, error) {
	name, arn, err := userAndPolicyARN(form)
	if err != nil {
		return nil, err
	}
	if err := s.require(ctx, "iam:DetachUserPolicy", s.userResource(name), policy.Context{"iam:PolicyARN": {arn}}); err != nil {
		return nil, err
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	u, err := s.lookupUser(name)
	if err != nil {
		return nil, err
	}
	for i, a := range u.Attached {
		if a == arn {
			u.Attached = append(u.Attached[:i:i], u.Attached[i+1:]...)
			return nil, nil
		}
	}
	return nil, api.Errorf(http.StatusNotFound, "NoSuchEntity", "Policy %s was not found.", arn)
}
