package iam

import (
	"context"
	"net/url"
	"sort"
	"strings"
)

type listPoliciesResult struct {
	Policies    members[policyXML] `xml:"Policies"`
	IsTruncated bool               `xml:"IsTruncated"`
	Marker      string             `xml:"Marker,omitempty"`
}

// listPolicies lists managed policies: Scope AWS the shipped AWS managed
// policies, Local this account's customer managed ones, All both.
func (s *Service) listPolicies(ctx context.Context, form url.Values) (any, error) {
	v := newValidator(form)
	scope, hasScope := v.str("Scope", false, ruleScope)
	onlyAttached := v.boolean("OnlyAttached")
	prefix := v.pathPrefix(rulePolicyPath)
	usage, _ := v.str("PolicyUsageFilter", false, ruleUsageFilter)
	marker, _ := v.str("Marker", false, ruleMarker)
	maxItems := v.maxItems()
	if err := v.err(); err != nil {
		return nil, err
	}
	if !hasScope {
		scope = "All"
	}
	if err := s.require(ctx, "iam:ListPolicies", "arn:aws:iam::"+s.env.AccountID+":policy/", nil); err != nil {
		return nil, err
	}

	var items []policyXML
	{
		s.mu.RLock()
		var candidates []*managedPolicy
		if scope != "Local" {
			for _, arn := range managedARNs(s.managed) {
				candidates = append(candidates, s.managed[arn])
			}
		}
		if scope != "AWS" {
			for _, mp := range s.policies {
				candidates = append(candidates, mp)
			}
		}
		for _, mp := range candidates {
			if !strings.HasPrefix(mp.Path, prefix) {
				continue
			}
			p := s.policyXML(mp, false)
			if onlyAttached && p.AttachmentCount == 0 || usage == "PermissionsBoundary" && p.PermissionsBoundaryUsageCount == 0 {
				continue
			}
			items = append(items, p)
		}
		s.mu.RUnlock()
	}
	// By name; an AWS and a customer policy may share a name, the ARN breaks the tie.
	key := func(p policyXML) string { return p.PolicyName + "\x00" + p.Arn }
	sort.Slice(items, func(i, j int) bool { return key(items[i]) < key(items[j]) })
	got, truncated, next, err := page(items, key, marker, maxItems)
	if err != nil {
		return nil, err
	}
	return listPoliciesResult{Policies: list(append([]policyXML{}, got...)), IsTruncated: truncated, Marker: next}, nil
}
