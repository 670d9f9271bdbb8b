package iam

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"kmslab/sim/api"
)

type createGroupResult struct {
	Group groupXML `xml:"Group"`
}

func (s *Service) createGroup(ctx context.Context, form url.Values) (any, error) {
	v := newValidator(form)
	name, _ := v.str("GroupName", true, ruleGroupName)
	path, hasPath := v.str("Path", false, ruleUserPath)
	if err := v.err(); err != nil {
		return nil, err
	}
	if !hasPath {
		path = "/"
	}
	if err := s.require(ctx, "iam:CreateGroup", s.groupARN(path, name), nil); err != nil {
		return nil, err
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.groups[strings.ToLower(name)]; ok {
		return nil, api.Errorf(http.StatusConflict, "EntityAlreadyExists", "Group with name %s already exists.", name)
	}
	g := &group{
		Name: name, Path: path, ID: s.env.ID("AGPA", 21), ARN: s.groupARN(path, name), Created: s.env.Now(),
		policyHolder: policyHolder{Inline: map[string]*inlinePolicy{}},
	}
	s.groups[strings.ToLower(name)] = g
	return createGroupResult{Group: g.xml()}, nil
}
