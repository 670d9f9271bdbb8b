package iam

import (
	"context"
	"net/url"

	"kmslab/sim/api"
)

// updateAccessKey switches a key between Active and Inactive; an inactive key
// stops authenticating at once.
func (s *Service) updateAccessKey(ctx context.Context, form url.Values) (any, error) {
	var status string
	name, id, err := s.userAndKey(ctx, form, func(v *validator) {
		status, _ = v.str("Status", true, ruleAccessKeyStatus)
	})
	if err != nil {
		return nil, err
	}
	if status == "Expired" {
		return nil, api.BadRequest("InvalidInput", "Access key status Expired cannot be set.")
	}
	if err := s.require(ctx, "iam:UpdateAccessKey", s.userResource(name), nil); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, k, err := s.lookupKey(name, id)
	if err != nil {
		return nil, err
	}
	k.Status = status
	return nil, nil
}
