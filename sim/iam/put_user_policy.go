package iam

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"kmslab/policy"
	"kmslab/sim/api"
)

func (s *Service) putUserPolicy(ctx context.Context, form url.Values) (any, error) {
	v := newValidator(form)
	name, _ := v.str("UserName", true, ruleExistingUser)
	policyName, _ := v.str("PolicyName", true, rulePolicyName)
	text, _ := v.str("PolicyDocument", true, rulePolicyDocument)
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := s.require(ctx, "iam:PutUserPolicy", s.userResource(name), nil); err != nil {
		return nil, err
	}
	doc, err := policy.ParseIdentity([]byte(text))
	if err != nil {
		return nil, malformedPolicy(err)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	u, err := s.lookupUser(name)
	if err != nil {
		return nil, err
	}
	size := policySize(text)
	for n, p := range u.Inline {
		if n != policyName {
			size += policySize(p.Text)
		}
	}
	if size > maxInlinePolicyChars {
		return nil, api.Errorf(http.StatusConflict, "LimitExceeded", "Maximum policy size of %d bytes exceeded for user %s", maxInlinePolicyChars, u.Name)
	}
	u.Inline[policyName] = &inlinePolicy{Name: policyName, Text: text, Doc: doc}
	return nil, nil
}

// malformedPolicy turns a parser error into IAM's MalformedPolicyDocument.
func malformedPolicy(err error) error {
	var pe *policy.ParseError
	if errors.As(err, &pe) {
		return api.BadRequest("MalformedPolicyDocument", "%s", pe.Message)
	}
	return api.BadRequest("MalformedPolicyDocument", "%s", err.Error())
}

// policySize counts a document the way IAM's quota does: whitespace is free.
func policySize(text string) int {
	n := 0
	for _, r := range text {
		switch r {
		case ' ', '\t', '\n', '\r':
		default:
			n++
		}
	}
	return n
}
