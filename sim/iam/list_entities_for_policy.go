package iam

import (
	"context"
	"net/url"
	"strings"
)

type policyUserXML struct {
	UserName string `xml:"UserName"`
	UserID   string `xml:"UserId"`
}

type listEntitiesForPolicyResult struct {
	PolicyGroups members[struct{}]      `xml:"PolicyGroups"`
	PolicyUsers  members[policyUserXML] `xml:"PolicyUsers"`
	PolicyRoles  members[struct{}]      `xml:"PolicyRoles"`
	IsTruncated  bool                   `xml:"IsTruncated"`
	Marker       string                 `xml:"Marker,omitempty"`
}

var ruleEntityFilter = stringRule{enum: []string{"User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy"}}

// listEntitiesForPolicy lists the users a managed policy is attached to (the
// offline IAM has no groups or roles); it answers "who has this policy?".
func (s *Service) listEntitiesForPolicy(ctx context.Context, form url.Values) (any, error) {
	var filter, prefix, marker string
	maxItems := defaultMaxItems
	arn, err := policyARNParam(form, func(v *validator) {
		filter, _ = v.str("EntityFilter", false, ruleEntityFilter)
		prefix = v.pathPrefix(rulePathPrefix)
		v.str("PolicyUsageFilter", false, ruleUsageFilter)
		marker, _ = v.str("Marker", false, ruleMarker)
		maxItems = v.maxItems()
	})
	if err != nil {
		return nil, err
	}
	if err := s.require(ctx, "iam:ListEntitiesForPolicy", arn, nil); err != nil {
		return nil, err
	}
	s.mu.RLock()
	mp, err := s.findPolicy(arn)
	// Only permissions-policy attachments to users exist here.
	var users []*user
	if err == nil && (filter == "" || filter == "User" || filter == entityFilterFor(mp)) {
		for _, u := range s.sortedUsers() {
			if contains(u.Attached, arn) && strings.HasPrefix(u.Path, prefix) {
				users = append(users, u)
			}
		}
	}
	s.mu.RUnlock()
	if err != nil {
		return nil, err
	}
	if form.Get("PolicyUsageFilter") == "PermissionsBoundary" {
		users = nil
	}
	got, truncated, next, err := page(users, func(u *user) string { return strings.ToLower(u.Name) }, marker, maxItems)
	if err != nil {
		return nil, err
	}
	out := make([]policyUserXML, 0, len(got))
	for _, u := range got {
		out = append(out, policyUserXML{UserName: u.Name, UserID: u.ID})
	}
	return listEntitiesForPolicyResult{
		PolicyGroups: list([]struct{}{}), PolicyUsers: list(out), PolicyRoles: list([]struct{}{}),
		IsTruncated: truncated, Marker: next,
	}, nil
}

// entityFilterFor is the EntityFilter value that selects every kind of entity
// mp may be attached to: AWS documents LocalManagedPolicy and AWSManagedPolicy
// as filters on the policy's own kind.
func entityFilterFor(mp *managedPolicy) string {
	if mp.local {
		return "LocalManagedPolicy"
	}
	return "AWSManagedPolicy"
}
