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
	switch {
	case s.attachments(arn) > 0:
		return nil, api.Errorf(http.StatusConflict, "DeleteConflict", "Cannot delete a policy attached to entities.")
	case len(mp.versions) > 1:
		return nil, api.Errorf(http.StatusConflict, "DeleteConflict",
			"This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.")
	}
	delete(s.policies, arn)
	return nil, nil
}
