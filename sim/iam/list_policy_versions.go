package iam

import (
	"context"
	"net/url"
)

type listPolicyVersionsResult struct {
	Versions    members[policyVersionXML] `xml:"Versions"`
	IsTruncated bool                      `xml:"IsTruncated"`
	Marker      string                    `xml:"Marker,omitempty"`
}

// listPolicyVersions lists a managed policy's versions, newest first as IAM
// does, without their documents. It is how a learner finds the VersionId
// GetPolicyVersion wants.
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
	s.mu.RLock()
	mp, err := s.findPolicy(arn)
	var versions []policyVersionXML
	if err == nil {
		for i := len(mp.versions) - 1; i >= 0; i-- {
			versions = append(versions, versionXML(mp, mp.versions[i], false))
		}
	}
	s.mu.RUnlock()
	if err != nil {
		return nil, err
	}
	// The marker is the position from the newest version: ids sort as text
	// (v10 < v9), so they cannot order the pages themselves.
	type indexed struct {
		i int
		v policyVersionXML
	}
	items := make([]indexed, len(versions))
	for i, v := range versions {
		items[i] = indexed{i, v}
	}
	got, truncated, next, err := page(items, func(x indexed) string { return padIndex(x.i) }, marker, maxItems)
	if err != nil {
		return nil, err
	}
	out := listPolicyVersionsResult{IsTruncated: truncated, Marker: next}
	out.Versions.Member = make([]policyVersionXML, 0, len(got))
	for _, x := range got {
		out.Versions.Member = append(out.Versions.Member, x.v)
	}
	return out, nil
}
