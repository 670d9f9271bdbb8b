package iam

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"kmslab/sim/api"
)

type createUserResult struct {
	User userXML `xml:"User"`
}

func (s *Service) createUser(ctx context.Context, form url.Values) (any, error) {
	v := newValidator(form)
	name, _ := v.str("UserName", true, ruleUserName)
	path, hasPath := v.str("Path", false, ruleUserPath)
	tags := v.tags("Tags", false)
	boundary, _ := v.str("PermissionsBoundary", false, ruleARN)
	if err := v.err(); err != nil {
		return nil, err
	}
	if !hasPath {
		path = "/"
	}
	if err := checkTagKeys(tags); err != nil {
		return nil, err
	}
	if err := s.checkBoundary(ctx, "iam:CreateUser", s.userARN(path, name), boundary); err != nil {
		return nil, err
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.users[strings.ToLower(name)]; ok {
		return nil, api.Errorf(http.StatusConflict, "EntityAlreadyExists", "User with name %s already exists.", name)
	}
	u := s.newUser(name, path)
	u.Tags, u.Boundary = tags, boundary
	s.users[strings.ToLower(name)] = u
	return createUserResult{User: u.xml(true)}, nil
}

// checkTagKeys refuses two tags with the same key: IAM compares tag keys without case.
func checkTagKeys(tags []tag) error {
	seen := map[string]bool{}
	for _, t := range tags {
		k := strings.ToLower(t.Key)
		if seen[k] {
			return api.BadRequest("InvalidInput", "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
		}
		seen[k] = true
	}
	return nil
}
