package iam

import (
	"context"
	"net/url"
	"strings"
)

type listGroupsResult struct {
	Groups      members[groupXML] `xml:"Groups"`
	IsTruncated bool              `xml:"IsTruncated"`
	Marker      string            `xml:"Marker,omitempty"`
}

func (s *Service) listGroups(ctx context.Context, form url.Values) (any, error) {
	prefix, marker, maxItems, err := s.openList(ctx, form, "iam:ListGroups", "arn:aws:iam::"+s.env.AccountID+":group/")
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	var groups []groupXML
	for _, g := range s.groups {
		if strings.HasPrefix(g.Path, prefix) {
			groups = append(groups, g.xml())
		}
	}
	s.mu.RUnlock()
	return pageGroups(groups, marker, maxItems)
}

// pageGroups sorts groups by name, ignoring case, and cuts one page.
func pageGroups(groups []groupXML, marker string, maxItems int) (listGroupsResult, error) {
	got, truncated, next, err := pageByName(groups, func(g groupXML) string { return g.GroupName }, marker, maxItems)
	if err != nil {
		return listGroupsResult{}, err
	}
	return listGroupsResult{Groups: list(append([]groupXML{}, got...)), IsTruncated: truncated, Marker: next}, nil
}
