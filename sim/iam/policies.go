package iam

import (
	"context"
	"net/http"
	"strings"

	"kmslab/sim/api"
)

// Quotas AWS enforces on customer managed policies.
const (
	maxPolicyVersions    = 5
	maxManagedPolicySize = 6144 // characters of one version, whitespace not counted
)

// lookupPolicy finds a managed policy by ARN: an AWS managed one or one of
// this account's customer managed ones. Callers hold mu.
func (s *Service) lookupPolicy(arn string) (*managedPolicy, bool) {
	if mp, ok := s.managed[arn]; ok {
		return mp, true
	}
	mp, ok := s.policies[arn]
	return mp, ok
}

// findPolicy is lookupPolicy answering IAM's NoSuchEntity. Callers hold mu.
func (s *Service) findPolicy(arn string) (*managedPolicy, error) {
	if mp, ok := s.lookupPolicy(arn); ok {
		return mp, nil
	}
	return nil, noSuchPolicy(arn)
}

// findLocalPolicy finds a customer managed policy for an operation that changes
// it. AWS managed policies belong to AWS: an account may attach them, never
// change them. Callers hold mu.
func (s *Service) findLocalPolicy(ctx context.Context, action, arn string) (*managedPolicy, error) {
	mp, err := s.findPolicy(arn)
	if err != nil {
		return nil, err
	}
	if !mp.local {
		return nil, s.awsManagedDenied(ctx, action, arn)
	}
	return mp, nil
}

// awsManagedDenied refuses a change to an AWS managed policy.
func (s *Service) awsManagedDenied(ctx context.Context, action, arn string) error {
	caller := ""
	if p := api.CallerFrom(ctx); p != nil {
		caller = p.ARN
	}
	return api.Errorf(http.StatusForbidden, "AccessDenied",
		"User: %s is not authorized to perform: %s on resource: policy %s", caller, action, arn)
}

func noSuchPolicy(arn string) *api.Error {
	return noSuchEntity("Policy %s was not found.", arn)
}

func noSuchPolicyVersion(arn, version string) *api.Error {
	return noSuchEntity("Policy %s version %s does not exist or is not attachable.", arn, version)
}

// policyARN is the ARN of a customer managed policy of this account.
func (s *Service) policyARN(path, name string) string {
	return "arn:aws:iam::" + s.env.AccountID + ":policy" + path + name
}

// policyNameTaken reports whether a customer managed policy already has name:
// like other IAM names, policy names are unique in an account whatever their
// case and path. Callers hold mu.
func (s *Service) policyNameTaken(name string) bool {
	for _, mp := range s.policies {
		if strings.EqualFold(mp.Name, name) {
			return true
		}
	}
	return false
}

// holders lists everything a managed policy may be attached to. Callers hold mu.
func (s *Service) holders() []*policyHolder {
	out := make([]*policyHolder, 0, len(s.users)+len(s.groups)+len(s.roles))
	for _, u := range s.users {
		out = append(out, &u.policyHolder)
	}
	for _, g := range s.groups {
		out = append(out, &g.policyHolder)
	}
	for _, r := range s.roles {
		out = append(out, &r.policyHolder)
	}
	return out
}

// attachments counts the users, groups and roles arn is attached to; callers hold mu.
func (s *Service) attachments(arn string) int {
	n := 0
	for _, h := range s.holders() {
		if contains(h.Attached, arn) {
			n++
		}
	}
	return n
}

// attach adds arn to h, which already holds max policies or fewer; quota names
// the quota as AWS reports it (PoliciesPerUser, ...). Callers hold mu.
func (s *Service) attach(h *policyHolder, arn, quota string, max int) error {
	if _, ok := s.lookupPolicy(arn); !ok {
		return noSuchEntity("Policy %s does not exist or is not attachable.", arn)
	}
	if contains(h.Attached, arn) {
		return nil // attaching twice is not an error on AWS
	}
	if len(h.Attached) >= max {
		return api.Errorf(http.StatusConflict, "LimitExceeded", "Cannot exceed quota for %s: %d", quota, max)
	}
	h.Attached = append(h.Attached, arn)
	return nil
}

// detach removes arn from h. Callers hold mu.
func detach(h *policyHolder, arn string) error {
	for i, a := range h.Attached {
		if a == arn {
			h.Attached = append(h.Attached[:i:i], h.Attached[i+1:]...)
			return nil
		}
	}
	return noSuchEntity("Policy %s was not found.", arn)
}
