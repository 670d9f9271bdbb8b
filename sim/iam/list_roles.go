package iam

import (
	"context"
	"net/url"
	"sort"
	"strings"
)

type listRolesResult struct {
	Roles       members[roleXML] `xml:"Roles"`
	IsTruncated bool             `xml:"IsTruncated"`
	Marker      string           `xml:"Marker,omitempty"`
}

// listRoles lists roles by name, without their tags or last use (as AWS does).
func (s *Service) listRoles(ctx context.Context, form url.Values) (any, error) {
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
	if err := s.require(ctx, "iam:ListRoles", "arn:aws:iam::"+s.env.AccountID+":role/", nil); err != nil {
		return nil, err
	}
	s.mu.RLock()
	var roles []roleXML
	for _, r := range s.roles {
		if strings.HasPrefix(r.Path, prefix) {
			roles = append(roles, r.xml(false))
		}
	}
	s.mu.RUnlock()
	key := func(r roleXML) string { return strings.ToLower(r.RoleName) }
	sort.Slice(roles, func(i, j int) bool { return key(roles[i]) < key(roles[j]) })
	got, truncated, next, err := page(roles, key, marker, maxItems)
	if err != nil {
		return nil, err
	}
	return listRolesResult{Roles: list(append([]roleXML{}, got...)), IsTruncated: truncated, Marker: next}, nil
}
