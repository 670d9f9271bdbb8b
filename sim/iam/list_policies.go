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

// listPolicies lists managed policies. Only AWS managed policies exist offline
// (the lab creates none), so Scope=Local is always empty.
func (s *Service) listPolicies(ctx context.Context, form url.Values) (any, error) {
	v := newValidator(form)
	scope, hasScope := v.str("Scope", false, ruleScope)
	onlyAttached := v.boolean("OnlyAttached")
	prefix, hasPrefix := v.str("PathPrefix", false, rulePolicyPath)
	usage, _ := v.str("PolicyUsageFilter", false, ruleUsageFilter)
	marker, _ := v.str("Marker", false, ruleMarker)
	maxItems := v.maxItems()
	if err := v.err(); err != nil {
		return nil, err
	}
	if !hasScope {
		scope = "All"
	}
	if !hasPrefix {
		prefix = "/"
	}
	if err := s.require(ctx, "iam:ListPolicies", "arn:aws:iam::"+s.env.AccountID+":policy/", nil); err != nil {
		return nil, err
	}

	var items []policyXML
	if scope != "Local" && usage != "PermissionsBoundary" { // no boundaries are ever set offline
		s.mu.RLock()
		for _, arn := range managedARNs(s.managed) {
			mp := s.managed[arn]
			if !strings.HasPrefix(mp.Path, prefix) {
				continue
			}
			p := s.policyXML(mp, false)
			if onlyAttached && p.AttachmentCount == 0 {
				continue
			}
			items = append(items, p)
		}
		s.mu.RUnlock()
	}
	sort.Slice(items, func(i, j int) bool { return items[i].PolicyName < items[j].PolicyName })
	got, truncated, next, err := page(items, func(p policyXML) string { return p.PolicyName }, marker, maxItems)
	if err != nil {
		return nil, err
	}
	return listPoliciesResult{Policies: list(append([]policyXML{}, got...)), IsTruncated: truncated, Marker: next}, nil
}
