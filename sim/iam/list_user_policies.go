package iam

import (
	"context"
	"net/url"
)

type listUserPoliciesResult struct {
	PolicyNames members[string] `xml:"PolicyNames"`
	IsTruncated bool            `xml:"IsTruncated"`
	Marker      string          `xml:"Marker,omitempty"`
}

func (s *Service) listUserPolicies(ctx context.Context, form url.Values) (any, error) {
	v := newValidator(form)
	name, _ := v.str("UserName", true, ruleExistingUser)
	marker, _ := v.str("Marker", false, ruleMarker)
	maxItems := v.maxItems()
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := s.require(ctx, "iam:ListUserPolicies", s.userResource(name), nil); err != nil {
		return nil, err
	}
	s.mu.RLock()
	u, err := s.lookupUser(name)
	var names []string
	if err == nil {
		names = sortedInline(&u.policyHolder)
	}
	s.mu.RUnlock()
	if err != nil {
		return nil, err
	}
	got, truncated, next, err := page(names, func(n string) string { return n }, marker, maxItems)
	if err != nil {
		return nil, err
	}
	return listUserPoliciesResult{PolicyNames: list(append([]string{}, got...)), IsTruncated: truncated, Marker: next}, nil
}
