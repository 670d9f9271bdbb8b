package iam

import (
	"context"
	"net/url"
)

// setDefaultPolicyVersion switches which version applies to every principal
// the policy is attached to, at once.
func (s *Service) setDefaultPolicyVersion(ctx context.Context, form url.Values) (any, error) {
	var version string
	arn, err := policyARNParam(form, func(v *validator) {
		version, _ = v.str("VersionId", true, ruleVersionID)
	})
	if err != nil {
		return nil, err
	}
	if err := s.require(ctx, "iam:SetDefaultPolicyVersion", arn, nil); err != nil {
		return nil, err
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	mp, err := s.findLocalPolicy(ctx, "iam:SetDefaultPolicyVersion", arn)
	if err != nil {
		return nil, err
	}
	if mp.version(version) == nil {
		return nil, noSuchPolicyVersion(arn, version)
	}
	if mp.DefaultVersionID != version {
		mp.DefaultVersionID = version
		mp.Updated = s.env.Now()
	}
	return nil, nil
}
