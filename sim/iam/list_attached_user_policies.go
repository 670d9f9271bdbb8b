package iam

import (
	"context"
	"net/url"
	"strings"
)

type attachedPolicyXML struct {
	PolicyName string `xml:"PolicyName"`
	PolicyArn  string `xml:"PolicyArn"`
}

type listAttachedUserPoliciesResult struct {
	AttachedPolicies members[attachedPolicyXML] `xml:"AttachedPolicies"`
	IsTruncated      bool                       `xml:"IsTruncated"`
	Marker           string                     `xml:"Marker,omitempty"`
}

func (s *Service) listAttachedUserPolicies(ctx context.Context, form url.Values) (any, error) {
	v := newValidator(form)
	name, _ := v.str("UserName", true, ruleUserName)
	prefix := v.pathPrefix(rulePolicyPath)
	marker, _ := v.str("Marker", false, ruleMarker)
	maxItems := v.maxItems()
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := s.require(ctx, "iam:ListAttachedUserPolicies", s.userResource(name), nil); err != nil {
		return nil, err
	}

	s.mu.RLock()
	u, err := s.lookupUser(name)
	var attached []attachedPolicyXML
	if err == nil {
		for _, arn := range u.Attached {
			if mp, ok := s.lookupPolicy(arn); ok && strings.HasPrefix(mp.Path, prefix) {
				attached = append(attached, attachedPolicyXML{PolicyName: mp.Name, PolicyArn: arn})
			}
		}
	}
	s.mu.RUnlock()
	if err != nil {
		return nil, err
	}
	// Attachment order is kept; the marker is the position in it.
	type indexed struct {
		i int
		p attachedPolicyXML
	}
	items := make([]indexed, len(attached))
	for i, p := range attached {
		items[i] = indexed{i, p}
	}
	got, truncated, next, err := page(items, func(x indexed) string { return padIndex(x.i) }, marker, maxItems)
	if err != nil {
		return nil, err
	}
	out := listAttachedUserPoliciesResult{IsTruncated: truncated, Marker: next}
	out.AttachedPolicies.Member = make([]attachedPolicyXML, 0, len(got))
	for _, x := range got {
		out.AttachedPolicies.Member = append(out.AttachedPolicies.Member, x.p)
	}
	return out, nil
}
