package iam

import (
	"context"
	"net/url"

	"kmslab/policy"
)

func (s *Service) attachUserPolicy(ctx context.Context, form url.Values) (any, error) {
	name, arn, err := userAndPolicyARN(form)
	if err != nil {
		return nil, err
	}
	if err := s.require(ctx, "iam:AttachUserPolicy", s.userResource(name), policy.Context{"iam:PolicyARN": {arn}}); err != nil {
		return nil, err
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	u, err := s.lookupUser(name)
	if err != nil {
		return nil, err
	}
	return nil, s.attach(&u.policyHolder, arn, "PoliciesPerUser", maxPoliciesPerUser)
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
