package iam

import (
	"context"
	"net/url"
)

type policyXML struct {
	PolicyName                    string           `xml:"PolicyName"`
	PolicyID                      string           `xml:"PolicyId"`
	Arn                           string           `xml:"Arn"`
	Path                          string           `xml:"Path"`
	DefaultVersionID              string           `xml:"DefaultVersionId"`
	AttachmentCount               int              `xml:"AttachmentCount"`
	PermissionsBoundaryUsageCount int              `xml:"PermissionsBoundaryUsageCount"`
	IsAttachable                  bool             `xml:"IsAttachable"`
	Description                   string           `xml:"Description,omitempty"`
	CreateDate                    string           `xml:"CreateDate"`
	UpdateDate                    string           `xml:"UpdateDate"`
	Tags                          *members[tagXML] `xml:"Tags,omitempty"`
}

type getPolicyResult struct {
	Policy policyXML `xml:"Policy"`
}

func (s *Service) getPolicy(ctx context.Context, form url.Values) (any, error) {
	arn, err := policyARNParam(form, nil)
	if err != nil {
		return nil, err
	}
	if err := s.require(ctx, "iam:GetPolicy", arn, nil); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	mp, err := s.findPolicy(arn)
	if err != nil {
		return nil, err
	}
	return getPolicyResult{Policy: s.policyXML(mp, true)}, nil
}

// policyXML describes mp; detail adds what only GetPolicy and CreatePolicy
// show (description, tags). Callers hold mu (for the attachment count).
func (s *Service) policyXML(mp *managedPolicy, detail bool) policyXML {
	out := policyXML{
		PolicyName: mp.Name, PolicyID: mp.id, Arn: mp.ARN, Path: mp.Path, DefaultVersionID: mp.DefaultVersionID,
		AttachmentCount: s.attachments(mp.ARN), PermissionsBoundaryUsageCount: s.boundaryUses(mp.ARN), IsAttachable: true,
		CreateDate: timestamp(mp.Created), UpdateDate: timestamp(mp.Updated),
	}
	if detail {
		// GetPolicy always has Tags, empty or not (moto's aws_verified
		// test_policy_resource_returns_subset_of_available_attributes).
		out.Description = mp.Description
		t := list(tagsXML(mp.tags))
		out.Tags = &t
	}
	return out
}

// policyARNParam reads PolicyArn and whatever else extra validates.
func policyARNParam(form url.Values, extra func(*validator)) (string, error) {
	v := newValidator(form)
	arn, _ := v.str("PolicyArn", true, ruleARN)
	if extra != nil {
		extra(v)
	}
	if err := v.err(); err != nil {
		return "", err
	}
	if _, ok := splitARN(arn); !ok {
		return "", invalidARN(arn)
	}
	return arn, nil
}
