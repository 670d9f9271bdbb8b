package iam

import (
	"context"
	"net/url"
)

type policyVersionMetaXML struct {
	VersionID        string `xml:"VersionId"`
	IsDefaultVersion bool   `xml:"IsDefaultVersion"`
	CreateDate       string `xml:"CreateDate"`
}

type listPolicyVersionsResult struct {
	Versions    members[policyVersionMetaXML] `xml:"Versions"`
	IsTruncated bool                          `xml:"IsTruncated"`
	Marker      string                        `xml:"Marker,omitempty"`
}

// listPolicyVersions lists a managed policy's versions: only the default one,
// the only version we ship (see getPolicyVersion). It is how a learner finds
// the VersionId GetPolicyVersion wants.
func (s *Service) listPolicyVersions(ctx context.Context, form url.Values) (any, error) {
	var marker string
	maxItems := defaultMaxItems
	arn, err := policyARNParam(form, func(v *validator) {
		marker, _ = v.str("Marker", false, ruleMarker)
		maxItems = v.maxItems()
	})
	if err != nil {
		return nil, err
	}
	if err := s.require(ctx, "iam:ListPolicyVersions", arn, nil); err != nil {
		return nil, err
	}
	mp, err := s.lookupManaged(arn)
	if err != nil {
		return nil, err
	}
	versions := []policyVersionMetaXML{{VersionID: mp.DefaultVersionID, IsDefaultVersion: true, CreateDate: timestamp(mp.Updated)}}
	got, truncated, next, err := page(versions, func(v policyVersionMetaXML) string { return v.VersionID }, marker, maxItems)
	if err != nil {
		return nil, err
	}
	return listPolicyVersionsResult{Versions: list(append([]policyVersionMetaXML{}, got...)), IsTruncated: truncated, Marker: next}, nil
}
