package iam

import (
	"context"
	"net/http"
	"net/url"

	"kmslab/sim/api"
)

type policyXML struct {
	PolicyName                    string `xml:"PolicyName"`
	PolicyID                      string `xml:"PolicyId"`
	Arn                           string `xml:"Arn"`
	Path                          string `xml:"Path"`
	DefaultVersionID              string `xml:"DefaultVersionId"`
	AttachmentCount               int    `xml:"AttachmentCount"`
	PermissionsBoundaryUsageCount int    `xml:"PermissionsBoundaryUsageCount"`
	IsAttachable                  bool   `xml:"IsAttachable"`
	Description                   string `xml:"Description,omitempty"`
	CreateDate                    string `xml:"CreateDate"`
	UpdateDate                    string `xml:"UpdateDate"`
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
	mp, err := s.lookupManaged(arn)
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return getPolicyResult{Policy: s.policyXML(mp, true)}, nil
}

// policyXML describes mp; callers hold mu (for the attachment count).
func (s *Service) policyXML(mp *managedPolicy, withDescription bool) policyXML {
	out := policyXML{
		PolicyName: mp.Name, PolicyID: mp.id, Arn: mp.ARN, Path: mp.Path, DefaultVersionID: mp.DefaultVersionID,
		AttachmentCount: s.attachments(mp.ARN), IsAttachable: true,
		CreateDate: timestamp(mp.Created), UpdateDate: timestamp(mp.Updated),
	}
	if withDescription {
		out.Description = mp.Description
	}
	return out
}

// attachments counts the users mp is attached to; callers hold mu.
func (s *Service) attachments(arn string) int {
	n := 0
	for _, u := range s.users {
		if contains(u.Attached, arn) {
			n++
		}
	}
	return n
}

func (s *Service) lookupManaged(arn string) (*managedPolicy, error) {
	mp, ok := s.managed[arn]
	if !ok {
		return nil, api.Errorf(http.StatusNotFound, "NoSuchEntity", "Policy %s was not found.", arn)
	}
	return mp, nil
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
