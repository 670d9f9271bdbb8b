package iam

import (
	"net/http"
	"sort"
	"strings"
	"time"

	"kmslab/policy"
	"kmslab/sim/api"
)

// Quotas AWS enforces on groups and roles.
const (
	maxGroupsPerUser          = 10
	maxPoliciesPerGroup       = 10
	maxPoliciesPerRole        = 10
	maxGroupInlineChars       = 5120
	maxRoleInlineChars        = 10240
	maxTrustPolicyChars       = 2048
	defaultMaxSessionDuration = 3600
)

// group is an IAM group: its policies apply to every member.
type group struct {
	Name    string
	Path    string
	ID      string
	ARN     string
	Created time.Time
	policyHolder
	Members []string // user names in the order they were added
}

// role is an IAM role: whoever its trust policy admits may assume it and act
// with its policies for a while.
type role struct {
	Name        string
	Path        string
	ID          string
	ARN         string
	Created     time.Time
	Description string
	MaxSession  int              // seconds
	Trust       string           // the trust policy as submitted
	TrustDoc    *policy.Document `json:"-"` // parsed again from Trust on restore
	Tags        []tag
	LastUsed    *lastUse
	// Boundary is the ARN of the role's permissions boundary policy, "" for none.
	Boundary string `json:",omitempty"`
	policyHolder
}

// kind describes one sort of entity policies attach to, for the operations
// they share (Put/Get/Delete/ListXPolicies, Attach/Detach/ListAttachedXPolicies).
type kind struct {
	noun        string // as messages name it: user, group, role
	param       string // UserName, GroupName, RoleName
	rule        stringRule
	quota       string // the attached-policies quota as AWS names it
	maxAttached int
	maxInline   int // all inline policies together, whitespace not counted
	// find returns the holder and the entity's own name; callers hold mu.
	find     func(s *Service, name string) (*policyHolder, string, error)
	resource func(s *Service, name string) string
}

var (
	ruleGroupName = stringRule{min: 1, max: 128, re: userNameRE, pat: userNamePat}
	ruleRoleName  = stringRule{min: 1, max: 64, re: userNameRE, pat: userNamePat}

	groupKind = kind{
		noun: "group", param: "GroupName", rule: ruleGroupName, quota: "PoliciesPerGroup",
		maxAttached: maxPoliciesPerGroup, maxInline: maxGroupInlineChars,
		find: func(s *Service, name string) (*policyHolder, string, error) {
			g, err := s.lookupGroup(name)
			if err != nil {
				return nil, "", err
			}
			return &g.policyHolder, g.Name, nil
		},
		resource: (*Service).groupResource,
	}
	roleKind = kind{
		noun: "role", param: "RoleName", rule: ruleRoleName, quota: "PoliciesPerRole",
		maxAttached: maxPoliciesPerRole, maxInline: maxRoleInlineChars,
		find: func(s *Service, name string) (*policyHolder, string, error) {
			r, err := s.lookupRole(name)
			if err != nil {
				return nil, "", err
			}
			return &r.policyHolder, r.Name, nil
		},
		resource: (*Service).roleResource,
	}
)

func noSuchGroup(name string) *api.Error {
	return api.Errorf(http.StatusNotFound, "NoSuchEntity", "The group with name %s cannot be found.", name)
}

func noSuchRole(name string) *api.Error {
	return api.Errorf(http.StatusNotFound, "NoSuchEntity", "The role with name %s cannot be found.", name)
}

// lookupGroup finds a group by name, whatever its case; callers hold mu.
func (s *Service) lookupGroup(name string) (*group, error) {
	if g, ok := s.groups[strings.ToLower(name)]; ok {
		return g, nil
	}
	return nil, noSuchGroup(name)
}

// lookupRole finds a role by name, whatever its case; callers hold mu.
func (s *Service) lookupRole(name string) (*role, error) {
	if r, ok := s.roles[strings.ToLower(name)]; ok {
		return r, nil
	}
	return nil, noSuchRole(name)
}

func (s *Service) groupARN(path, name string) string {
	return "arn:aws:iam::" + s.env.AccountID + ":group" + path + name
}

func (s *Service) roleARN(path, name string) string {
	return "arn:aws:iam::" + s.env.AccountID + ":role" + path + name
}

// groupResource is the ARN an operation on group name is authorized against.
func (s *Service) groupResource(name string) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if g, ok := s.groups[strings.ToLower(name)]; ok {
		return g.ARN
	}
	return s.groupARN("/", name)
}

// roleResource is the ARN an operation on role name is authorized against.
func (s *Service) roleResource(name string) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if r, ok := s.roles[strings.ToLower(name)]; ok {
		return r.ARN
	}
	return s.roleARN("/", name)
}

// groupsOf lists the groups u belongs to, in the order it joined them; callers hold mu.
func (s *Service) groupsOf(u *user) []*group {
	var out []*group
	for _, g := range s.groups {
		if containsFold(g.Members, u.Name) {
			out = append(out, g)
		}
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name) })
	return out
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

type groupXML struct {
	Path       string `xml:"Path"`
	GroupName  string `xml:"GroupName"`
	GroupID    string `xml:"GroupId"`
	Arn        string `xml:"Arn"`
	CreateDate string `xml:"CreateDate"`
}

func (g *group) xml() groupXML {
	return groupXML{Path: g.Path, GroupName: g.Name, GroupID: g.ID, Arn: g.ARN, CreateDate: timestamp(g.Created)}
}

type roleLastUsedXML struct {
	LastUsedDate string `xml:"LastUsedDate,omitempty"`
	Region       string `xml:"Region,omitempty"`
}

type roleXML struct {
	Path                     string           `xml:"Path"`
	RoleName                 string           `xml:"RoleName"`
	RoleID                   string           `xml:"RoleId"`
	Arn                      string           `xml:"Arn"`
	CreateDate               string           `xml:"CreateDate"`
	AssumeRolePolicyDocument string           `xml:"AssumeRolePolicyDocument,omitempty"` // URL-encoded, as IAM sends it
	Description              string           `xml:"Description,omitempty"`
	MaxSessionDuration       int              `xml:"MaxSessionDuration,omitempty"`
	PermissionsBoundary      *boundaryXML     `xml:"PermissionsBoundary,omitempty"`
	Tags                     *members[tagXML] `xml:"Tags,omitempty"`
	RoleLastUsed             *roleLastUsedXML `xml:"RoleLastUsed,omitempty"`
}

// xml describes r; detail adds what GetRole alone shows (tags, last use).
func (r *role) xml(detail bool) roleXML {
	out := roleXML{
		Path: r.Path, RoleName: r.Name, RoleID: r.ID, Arn: r.ARN, CreateDate: timestamp(r.Created),
		AssumeRolePolicyDocument: encodeDocument(r.Trust), Description: r.Description, MaxSessionDuration: r.MaxSession,
	}
	if detail {
		out.PermissionsBoundary = boundaryOf(r.Boundary)
		if len(r.Tags) > 0 {
			t := list(tagsXML(r.Tags))
			out.Tags = &t
		}
		out.RoleLastUsed = &roleLastUsedXML{}
		if r.LastUsed != nil {
			out.RoleLastUsed = &roleLastUsedXML{LastUsedDate: timestamp(r.LastUsed.At), Region: r.LastUsed.Region}
		}
	}
	return out
}
