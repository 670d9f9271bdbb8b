package iam

import (
	"context"
	"net/url"
	"sort"
	"strings"
)

type policyUserXML struct {
	UserName string `xml:"UserName"`
	UserID   string `xml:"UserId"`
}

type policyGroupXML struct {
	GroupName string `xml:"GroupName"`
	GroupID   string `xml:"GroupId"`
}

type policyRoleXML struct {
	RoleName string `xml:"RoleName"`
	RoleID   string `xml:"RoleId"`
}

type listEntitiesForPolicyResult struct {
	PolicyGroups members[policyGroupXML] `xml:"PolicyGroups"`
	PolicyUsers  members[policyUserXML]  `xml:"PolicyUsers"`
	PolicyRoles  members[policyRoleXML]  `xml:"PolicyRoles"`
	IsTruncated  bool                    `xml:"IsTruncated"`
	Marker       string                  `xml:"Marker,omitempty"`
}

var ruleEntityFilter = stringRule{enum: []string{"User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy"}}

// entity is one user, group or role a policy is attached to.
type entity struct {
	kind, name, id, path string
}

// listEntitiesForPolicy answers "who has this policy?": the users, groups and
// roles a managed policy is attached to (as a permissions policy: no
// boundaries exist offline).
func (s *Service) listEntitiesForPolicy(ctx context.Context, form url.Values) (any, error) {
	var filter, prefix, usage, marker string
	maxItems := defaultMaxItems
	arn, err := policyARNParam(form, func(v *validator) {
		filter, _ = v.str("EntityFilter", false, ruleEntityFilter)
		prefix = v.pathPrefix(rulePathPrefix)
		usage, _ = v.str("PolicyUsageFilter", false, ruleUsageFilter)
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
	var found []entity
	if err == nil && usage == "PermissionsBoundary" {
		for _, u := range s.users {
			if (filter == "" || filter == "User") && u.Boundary == arn && strings.HasPrefix(u.Path, prefix) {
				found = append(found, entity{"User", u.Name, u.ID, u.Path})
			}
		}
		for _, r := range s.roles {
			if (filter == "" || filter == "Role") && r.Boundary == arn && strings.HasPrefix(r.Path, prefix) {
				found = append(found, entity{"Role", r.Name, r.ID, r.Path})
			}
		}
	} else if err == nil {
		all := filter == "" || filter == entityFilterFor(mp)
		add := func(kind string, h *policyHolder, name, id, path string) {
			if (all || filter == kind) && contains(h.Attached, arn) && strings.HasPrefix(path, prefix) {
				found = append(found, entity{kind, name, id, path})
			}
		}
		for _, u := range s.users {
			add("User", &u.policyHolder, u.Name, u.ID, u.Path)
		}
		for _, g := range s.groups {
			add("Group", &g.policyHolder, g.Name, g.ID, g.Path)
		}
		for _, r := range s.roles {
			add("Role", &r.policyHolder, r.Name, r.ID, r.Path)
		}
	}
	s.mu.RUnlock()
	if err != nil {
		return nil, err
	}
	key := func(e entity) string { return e.kind + "/" + strings.ToLower(e.name) }
	sort.Slice(found, func(i, j int) bool { return key(found[i]) < key(found[j]) })
	got, truncated, next, err := page(found, key, marker, maxItems)
	if err != nil {
		return nil, err
	}
	out := listEntitiesForPolicyResult{IsTruncated: truncated, Marker: next}
	out.PolicyGroups.Member = []policyGroupXML{}
	out.PolicyUsers.Member = []policyUserXML{}
	out.PolicyRoles.Member = []policyRoleXML{}
	for _, e := range got {
		switch e.kind {
		case "User":
			out.PolicyUsers.Member = append(out.PolicyUsers.Member, policyUserXML{e.name, e.id})
		case "Group":
			out.PolicyGroups.Member = append(out.PolicyGroups.Member, policyGroupXML{e.name, e.id})
		case "Role":
			out.PolicyRoles.Member = append(out.PolicyRoles.Member, policyRoleXML{e.name, e.id})
		}
	}
	return out, nil
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
