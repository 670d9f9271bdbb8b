package iam

import (
	"context"
	"net/http"
	"net/url"

	"kmslab/policy"
	"kmslab/sim/api"
)

type createPolicyResult struct {
	Policy policyXML `xml:"Policy"`
}

var rulePolicyDescription = stringRule{max: 1000}

func (s *Service) createPolicy(ctx context.Context, form url.Values) (any, error) {
	v := newValidator(form)
	name, _ := v.str("PolicyName", true, rulePolicyName)
	path, hasPath := v.str("Path", false, rulePolicyPath)
	text, _ := v.str("PolicyDocument", true, rulePolicyDocument)
	description, _ := v.str("Description", false, rulePolicyDescription)
	tags := v.tags("Tags", false)
	if err := v.err(); err != nil {
		return nil, err
	}
	if !hasPath {
		path = "/"
	}
	if err := checkTagKeys(tags); err != nil {
		return nil, err
	}
	arn := s.policyARN(path, name)
	if err := s.require(ctx, "iam:CreatePolicy", arn, nil); err != nil {
		return nil, err
	}
	doc, err := parseManagedDocument(text)
	if err != nil {
		return nil, err
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.policyNameTaken(name) {
		return nil, api.Errorf(http.StatusConflict, "EntityAlreadyExists", "A policy called %s already exists. Duplicate names are not allowed.", name)
	}
	now := s.env.Now()
	mp := &managedPolicy{
		Name: name, ARN: arn, Path: path, Description: description,
		DefaultVersionID: "v1", Created: now, Updated: now,
		id: s.env.ID("ANPA", 21), local: true, next: 2, tags: tags,
		versions: []*policyVersion{{ID: "v1", Text: text, Doc: doc, Created: now}},
	}
	s.policies[arn] = mp
	// CreatePolicy never returns the Description, and Tags only when given (moto's
	// aws_verified test_policy_resource_returns_subset_of_available_attributes).
	out := s.policyXML(mp, false)
	if len(tags) > 0 {
		t := list(tagsXML(tags))
		out.Tags = &t
	}
	return createPolicyResult{Policy: out}, nil
}

// parseManagedDocument checks a managed policy version as IAM does: an
// identity policy, at most maxManagedPolicySize characters besides whitespace.
func parseManagedDocument(text string) (*policy.Document, error) {
	doc, err := policy.ParseIdentity([]byte(text))
	if err != nil {
		return nil, malformedPolicy(err)
	}
	if policySize(text) > maxManagedPolicySize {
		return nil, api.Errorf(http.StatusConflict, "LimitExceeded", "Cannot exceed quota for PolicySize: %d", maxManagedPolicySize)
	}
	return doc, nil
}
