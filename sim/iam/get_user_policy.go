package iam

import (
	"context"
	"net/url"

	"kmslab/sim/api"
)

type getUserPolicyResult struct {
	UserName       string `xml:"UserName"`
	PolicyName     string `xml:"PolicyName"`
	PolicyDocument string `xml:"PolicyDocument"` // URL-encoded, as IAM sends it
}

func (s *Service) getUserPolicy(ctx context.Context, form url.Values) (any, error) {
	name, policyName, err := userAndPolicyName(form)
	if err != nil {
		return nil, err
	}
	return s.readUser(ctx, "iam:GetUserPolicy", name, func(u *user) (any, error) {
		p, ok := u.Inline[policyName]
		if !ok {
			return nil, noSuchUserPolicy(policyName)
		}
		return getUserPolicyResult{UserName: u.Name, PolicyName: p.Name, PolicyDocument: encodeDocument(p.Text)}, nil
	})
}

func userAndPolicyName(form url.Values) (string, string, error) {
	v := newValidator(form)
	name, _ := v.str("UserName", true, ruleExistingUser)
	policyName, _ := v.str("PolicyName", true, rulePolicyName)
	return name, policyName, v.err()
}

func noSuchUserPolicy(name string) *api.Error {
	return noSuchEntity("The user policy with name %s cannot be found.", name)
}
