package iam

import (
	"context"
	"net/url"
	"strings"
)

type listRolesResult struct {
	Roles       members[roleXML] `xml:"Roles"`
	IsTruncated bool             `xml:"IsTruncated"`
	Marker      string           `xml:"Marker,omitempty"`
}

// listRoles lists roles by name, without their tags or last use (as AWS does).
func (s *Service) listRoles(ctx context.Context, form url.Values) (any, error) {
	prefix, marker, maxItems, err := s.openList(ctx, form, "iam:ListRoles", "arn:aws:iam::"+s.env.AccountID+":role/")
	if err != nil {
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
	got, truncated, next, err := pageByName(roles, func(r roleXML) string { return r.RoleName }, marker, maxItems)
	if err != nil {
		return nil, err
	}
	return listRolesResult{Roles: list(append([]roleXML{}, got...)), IsTruncated: truncated, Marker: next}, nil
}
