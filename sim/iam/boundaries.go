package iam

import (
	"context"
	"net/http"
	"strings"

	"kmslab/policy"
	"kmslab/sim/api"
)

// boundaryXML is a user's or role's PermissionsBoundary as CreateX and GetX return it;
// ListX leaves it out (moto's aws_verified test_*_resource_returns_subset_of_available_attributes).
type boundaryXML struct {
	PermissionsBoundaryType string `xml:"PermissionsBoundaryType"`
	PermissionsBoundaryArn  string `xml:"PermissionsBoundaryArn"`
}

func boundaryOf(arn string) *boundaryXML {
	if arn == "" {
		return nil
	}
	return &boundaryXML{PermissionsBoundaryType: "PermissionsBoundaryPolicy", PermissionsBoundaryArn: arn}
}

// checkBoundary authorizes a CreateUser or CreateRole that sets a permissions boundary (the
// action's iam:PermissionsBoundary condition key names it) and checks the policy exists.
// Callers do not hold mu.
func (s *Service) checkBoundary(ctx context.Context, action, resource, arn string) error {
	extra := policy.Context{}
	if arn != "" {
		extra["iam:PermissionsBoundary"] = []string{arn}
	}
	if err := s.require(ctx, action, resource, extra); err != nil {
		return err
	}
	if arn == "" {
		return nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, ok := s.lookupPolicy(arn); !ok {
		return api.Errorf(http.StatusNotFound, "NoSuchEntity", "Policy %s does not exist or is not attachable.", arn)
	}
	return nil
}

// boundaryUses counts the users and roles arn is the permissions boundary of. Callers hold mu.
func (s *Service) boundaryUses(arn string) int {
	n := 0
	for _, u := range s.users {
		if u.Boundary == arn {
			n++
		}
	}
	for _, r := range s.roles {
		if r.Boundary == arn {
			n++
		}
	}
	return n
}

// PermissionsBoundary returns the permissions boundary of p's user or role (for a role
// session, its role's), nil when it has none: sim/authz caps the identity policies with it.
func (s *Service) PermissionsBoundary(p *api.Principal) (*policy.Named, error) {
	if p == nil || p.IsRoot {
		return nil, nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	arn := ""
	if r, ok := s.sessionRole(p); ok {
		arn = r.Boundary
	} else if u, ok := s.users[strings.ToLower(p.UserName)]; ok && u.ARN == p.ARN {
		arn = u.Boundary
	}
	if arn == "" {
		return nil, nil
	}
	mp, ok := s.lookupPolicy(arn)
	if !ok {
		// A boundary whose policy is gone allows nothing, as AWS evaluates a missing one.
		return &policy.Named{Name: arn, Kind: policy.KindBoundary, Unreadable: "the policy no longer exists"}, nil
	}
	return &policy.Named{Name: mp.Name, Doc: mp.defaultVersion().Doc, Kind: policy.KindBoundary}, nil
}
