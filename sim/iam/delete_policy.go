package iam

import (
	"context"
	"net/http"
	"net/url"

	"kmslab/sim/api"
)

// deletePolicy removes a customer managed policy and its default version.
// AWS refuses while anything still has it, or while older versions are left.
func (s *Service) deletePolicy(ctx context.Context, form url.Values) (any, error) {
	arn, err := policyARNParam(form, nil)
	if err != nil {
		return nil, err
	}
	if err := s.require(ctx, "iam:DeletePolicy", arn, nil); err != nil {
		return nil, err
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	mp, err := s.findLocalPolicy(ctx, "iam:DeletePolicy", arn)
	if err != nil {
		return nil, err
	}
	if err := s.policyConflict(mp); err != nil {
		return nil, err
	}
	delete(s.policies, arn)
	return nil, nil
}

// policyConflict is why AWS refuses to delete mp, nil when it may go.
// Callers hold mu.
func (s *Service) policyConflict(mp *managedPolicy) error {
	switch {
	case s.attachments(mp.ARN) > 0:
		return api.Errorf(http.StatusConflict, "DeleteConflict", "Cannot delete a policy attached to entities.")
	case len(mp.versions) > 1:
		return api.Errorf(http.StatusConflict, "DeleteConflict",
			"This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.")
	}
	return nil
}
