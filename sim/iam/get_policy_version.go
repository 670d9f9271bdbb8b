package iam

import (
	"context"
	"net/http"
	"net/url"

	"kmslab/sim/api"
)

type policyVersionXML struct {
	Document         string `xml:"Document"` // URL-encoded, as IAM sends it
	VersionID        string `xml:"VersionId"`
	IsDefaultVersion bool   `xml:"IsDefaultVersion"`
	CreateDate       string `xml:"CreateDate"`
}

type getPolicyVersionResult struct {
	PolicyVersion policyVersionXML `xml:"PolicyVersion"`
}

// getPolicyVersion serves the default version of a managed policy, the only
// version we ship (older AWS versions are history the lab never needs).
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
	mp, err := s.lookupManaged(arn)
	if err != nil {
		return nil, err
	}
	if version != mp.DefaultVersionID {
		return nil, api.Errorf(http.StatusNotFound, "NoSuchEntity", "Policy %s version %s does not exist or is not attachable.", arn, version)
	}
	return getPolicyVersionResult{PolicyVersion: policyVersionXML{
		Document: encodeDocument(mp.text), VersionID: mp.DefaultVersionID, IsDefaultVersion: true, CreateDate: timestamp(mp.Updated),
	}}, nil
}
