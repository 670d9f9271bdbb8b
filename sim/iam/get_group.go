package iam

import (
	"context"
	"net/url"
	"strings"
)

type getGroupResult struct {
	Group       groupXML         `xml:"Group"`
	Users       members[userXML] `xml:"Users"`
	IsTruncated bool             `xml:"IsTruncated"`
	Marker      string           `xml:"Marker,omitempty"`
}

// getGroup describes a group and pages through its members.
func (s *Service) getGroup(ctx context.Context, form url.Values) (any, error) {
	v := newValidator(form)
	name, _ := v.str("GroupName", true, ruleGroupName)
	marker, _ := v.str("Marker", false, ruleMarker)
	maxItems := v.maxItems()
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := s.require(ctx, "iam:GetGroup", s.groupResource(name), nil); err != nil {
		return nil, err
	}
	s.mu.RLock()
	g, err := s.lookupGroup(name)
	var out getGroupResult
	var users []userXML
	if err == nil {
		out.Group = g.xml()
		for _, u := range s.sortedUsers() {
			if containsFold(g.Members, u.Name) {
				users = append(users, u.xml(false))
			}
		}
	}
	s.mu.RUnlock()
	if err != nil {
		return nil, err
	}
	got, truncated, next, err := page(users, func(u userXML) string { return strings.ToLower(u.UserName) }, marker, maxItems)
	if err != nil {
		return nil, err
	}
	out.Users, out.IsTruncated, out.Marker = list(append([]userXML{}, got...)), truncated, next
	return out, nil
}
