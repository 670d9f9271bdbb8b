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

// listUserPolicies lists the user's inline policy names, sorted; the marker is a name.
func (s *Service) listUserPolicies(ctx context.Context, form url.Values) (any, error) {
	inline := func(u *user) []string { return sortedInline(&u.policyHolder) }
	got, truncated, next, err := listOfUser(ctx, s, form, "iam:ListUserPolicies", inline, func(_ int, name string) string { return name })
	if err != nil {
		return nil, err
	}
	return listUserPoliciesResult{PolicyNames: list(got), IsTruncated: truncated, Marker: next}, nil
}
