package iam

import (
	"context"
	"net/url"
	"strings"
)

type listUsersResult struct {
	Users       members[userXML] `xml:"Users"`
	IsTruncated bool             `xml:"IsTruncated"`
	Marker      string           `xml:"Marker,omitempty"`
}

func (s *Service) listUsers(ctx context.Context, form url.Values) (any, error) {
	// AWS authorizes listing against the user resource type with an empty name.
	prefix, marker, maxItems, err := s.openList(ctx, form, "iam:ListUsers", s.userARN("/", ""))
	if err != nil {
		return nil, err
	}

	s.mu.RLock()
	var matching []*user
	for _, u := range s.sortedUsers() {
		if strings.HasPrefix(u.Path, prefix) {
			matching = append(matching, u)
		}
	}
	s.mu.RUnlock()
	got, truncated, next, err := page(matching, func(u *user) string { return strings.ToLower(u.Name) }, marker, maxItems)
	if err != nil {
		return nil, err
	}
	out := listUsersResult{IsTruncated: truncated, Marker: next}
	out.Users.Member = make([]userXML, 0, len(got))
	for _, u := range got {
		out.Users.Member = append(out.Users.Member, u.xml(false))
	}
	return out, nil
}
