package iam

import (
	"context"
	"net/url"
	"sort"
	"strings"
)

type listGroupsResult struct {
	Groups      members[groupXML] `xml:"Groups"`
	IsTruncated bool              `xml:"IsTruncated"`
	Marker      string            `xml:"Marker,omitempty"`
}

func (s *Service) listGroups(ctx context.Context, form url.Values) (any, error) {
	v := newValidator(form)
	prefix, hasPrefix := v.str("PathPrefix", false, rulePathPrefix)
	marker, _ := v.str("Marker", false, ruleMarker)
	maxItems := v.maxItems()
	if err := v.err(); err != nil {
		return nil, err
	}
	if !hasPrefix {
		prefix = "/"
	}
	if err := s.require(ctx, "iam:ListGroups", "arn:aws:iam::"+s.env.AccountID+":group/", nil); err != nil {
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
	key := func(g groupXML) string { return strings.ToLower(g.GroupName) }
	sort.Slice(groups, func(i, j int) bool { return key(groups[i]) < key(groups[j]) })
	got, truncated, next, err := page(groups, key, marker, maxItems)
	if err != nil {
		return listGroupsResult{}, err
	}
	return listGroupsResult{Groups: list(append([]groupXML{}, got...)), IsTruncated: truncated, Marker: next}, nil
}
