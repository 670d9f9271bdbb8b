package iam

import (
	"context"
	"net/url"
)

type policyVersionXML struct {
	Document         string `xml:"Document,omitempty"` // URL-encoded, as IAM sends it
	VersionID        string `xml:"VersionId"`
	IsDefaultVersion bool   `xml:"IsDefaultVersion"`
	CreateDate       string `xml:"CreateDate"`
}

type getPolicyVersionResult struct {
	PolicyVersion policyVersionXML `xml:"PolicyVersion"`
}

// getPolicyVersion serves one version of a managed policy. AWS managed policies
// have only their default version offline (older AWS versions are history the
// lab never needs).
func (s *Service) getPolicyVersion(ctx context.Context, form url.Values) (any, error) {
	var version string
	arn, err := policyARNParam(form, func(v *validator) {
		version, _ = v.str("VersionId", true, ruleVersionID)
	})
	if err != nil {
		return nil, err
	}
	if err := s.require(ctx, "iam:GetPolicyVersion", arn, nil); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	mp, err := s.findPolicy(arn)
	if err != nil {
		return nil, err
	}
	v := mp.version(version)
	if v == nil {
		return nil, noSuchPolicyVersion(arn, version)
	}
	return getPolicyVersionResult{PolicyVersion: versionXML(mp, v, true)}, nil
}

// versionXML describes v of mp, with its document when withDocument.
func versionXML(mp *managedPolicy, v *policyVersion, withDocument bool) policyVersionXML {
	out := policyVersionXML{VersionID: v.ID, IsDefaultVersion: v.ID == mp.DefaultVersionID, CreateDate: timestamp(v.Created)}
	if withDocument {
		out.Document = encodeDocument(v.Text)
	}
	return out
}
