package iam

import (
	"context"
	"net/http"
	"net/url"

	"kmslab/sim/api"
)

func (s *Service) deletePolicyVersion(ctx context.Context, form url.Values) (any, error) {
	var version string
	arn, err := policyARNParam(form, func(v *validator) {
		version, _ = v.str("VersionId", true, ruleVersionID)
	})
	if err != nil {
		return nil, err
	}
	if err := s.require(ctx, "iam:DeletePolicyVersion", arn, nil); err != nil {
		return nil, err
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	mp, err := s.findLocalPolicy(ctx, "iam:DeletePolicyVersion", arn)
	if err != nil {
		return nil, err
	}
	if mp.version(version) == nil {
		return nil, noSuchPolicyVersion(arn, version)
	}
	// The default version is what attached principals get: it goes only with
	// the policy itself (DeletePolicy).
	if version == mp.DefaultVersionID {
		return nil, api.Errorf(http.StatusConflict, "DeleteConflict", "Cannot delete the default version of a policy.")
	}
	for i, v := range mp.versions {
		if v.ID == version {
			mp.versions = append(mp.versions[:i:i], mp.versions[i+1:]...)
			break
		}
	}
	return nil, nil
}
