// Package iam is the offline IAM service (awsQuery, Version 2010-05-08): users,
// their access keys, inline policies and attached AWS managed policies, and the
// policy simulator. It is also the account's credential store and identity
// policy source: the router asks it for an access key's secret and principal,
// the authorizer for a principal's policies, KMS whether a principal exists.
package iam

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"kmslab/policy"
	"kmslab/sim/api"
	"kmslab/sim/authz"
)

// Quotas AWS enforces on users.
const (
	maxAccessKeysPerUser  = 2
	maxPoliciesPerUser    = 10   // attached managed policies
	maxInlinePolicyChars  = 2048 // all of a user's inline policies together, whitespace not counted
	maxTagsPerUser        = 50
	defaultMaxItems       = 100
	administratorAccess   = "arn:aws:iam::aws:policy/AdministratorAccess"
	timestampFormat       = "2006-01-02T15:04:05Z"
	accessKeyStatusActive = "Active"
)

// Options tunes behaviours that AWS shows through eventual consistency.
type Options struct {
	// AccessKeyDelay keeps new access keys unknown to LookupAccessKey for this long.
	AccessKeyDelay time.Duration
}

// Service is the offline IAM of one account.
type Service struct {
	env     *api.Env
	opts    Options
	az      *authz.Authorizer
	managed map[string]*managedPolicy // by ARN; read-only after New
	loadErr error

	mu       sync.RWMutex
	users    map[string]*user          // by lower-case name: IAM names are unique regardless of case
	keys     map[string]*accessKey     // by access key id
	policies map[string]*managedPolicy // customer managed policies, by ARN
	groups   map[string]*group         // by lower-case name
	roles    map[string]*role          // by lower-case name
	sessions map[string]*session       // STS temporary credentials, by access key id
}

type user struct {
	Name    string
	Path    string
	ID      string
	ARN     string
	Created time.Time
	Tags    []tag
	// Boundary is the ARN of the user's permissions boundary policy, "" for none.
	Boundary string `json:",omitempty"`
	policyHolder
	Keys  []string       // access key ids, oldest first
	Certs []*signingCert `json:",omitempty"` // X.509 signing certificates, oldest first
}

// policyHolder is what policies attach to: a user, a group or a role.
type policyHolder struct {
	// Attached holds managed policy ARNs in the order they were attached.
	Attached []string
	Inline   map[string]*inlinePolicy // by name (case-sensitive, as IAM keeps them)
}

type inlinePolicy struct {
	Name string
	Text string           // as submitted: GetUserPolicy gives it back unchanged
	Doc  *policy.Document `json:"-"` // parsed again from Text on restore
}

type tag struct{ Key, Value string }

type accessKey struct {
	ID       string
	Secret   string
	UserName string
	Status   string
	Created  time.Time
	UsableAt time.Time // Created + AccessKeyDelay: before then the key is unknown to SigV4
	LastUsed *lastUse  // nil until the key first authenticates a request
}

// New returns an empty IAM for env's account, knowing the AWS managed policies.
func New(env *api.Env, opts Options) *Service {
	m, err := loadManaged()
	return &Service{
		env:      env,
		opts:     opts,
		managed:  m,
		loadErr:  err,
		users:    map[string]*user{},
		keys:     map[string]*accessKey{},
		policies: map[string]*managedPolicy{},
		groups:   map[string]*group{},
		roles:    map[string]*role{},
		sessions: map[string]*session{},
	}
}

// SetAuthorizer sets the authorizer every operation asks first. It is set after
// New because the authorizer itself reads identity policies from this service.
func (s *Service) SetAuthorizer(az *authz.Authorizer) { s.az = az }

// Handlers maps Action names to operations.
func (s *Service) Handlers() map[string]api.QueryHandler {
	return map[string]api.QueryHandler{
		"CreateUser":                    s.createUser,
		"GetUser":                       s.getUser,
		"ListUsers":                     s.listUsers,
		"DeleteUser":                    s.deleteUser,
		"TagUser":                       s.tagUser,
		"UntagUser":                     s.untagUser,
		"ListUserTags":                  s.listUserTags,
		"AttachUserPolicy":              s.attachUserPolicy,
		"DetachUserPolicy":              s.detachUserPolicy,
		"ListAttachedUserPolicies":      s.listAttachedUserPolicies,
		"PutUserPolicy":                 s.putUserPolicy,
		"GetUserPolicy":                 s.getUserPolicy,
		"DeleteUserPolicy":              s.deleteUserPolicy,
		"ListUserPolicies":              s.listUserPolicies,
		"CreateAccessKey":               s.createAccessKey,
		"UploadSigningCertificate":      s.uploadSigningCertificate,
		"PutRolePermissionsBoundary":    s.putRolePermissionsBoundary,
		"DeleteRolePermissionsBoundary": s.deleteRolePermissionsBoundary,
		"PutUserPermissionsBoundary":    s.putUserPermissionsBoundary,
		"DeleteUserPermissionsBoundary": s.deleteUserPermissionsBoundary,
		"ListSigningCertificates":       s.listSigningCertificates,
		"UpdateSigningCertificate":      s.updateSigningCertificate,
		"DeleteSigningCertificate":      s.deleteSigningCertificate,
		"ListAccessKeys":                s.listAccessKeys,
		"DeleteAccessKey":               s.deleteAccessKey,
		"UpdateAccessKey":               s.updateAccessKey,
		"GetPolicy":                     s.getPolicy,
		"GetPolicyVersion":              s.getPolicyVersion,
		"ListPolicies":                  s.listPolicies,
		"SimulatePrincipalPolicy":       s.simulatePrincipalPolicy,
		"ListPolicyVersions":            s.listPolicyVersions,
		"ListEntitiesForPolicy":         s.listEntitiesForPolicy,
		"ListGroupsForUser":             s.listGroupsForUser,
		"GetAccessKeyLastUsed":          s.getAccessKeyLastUsed,
		"CreatePolicy":                  s.createPolicy,
		"CreatePolicyVersion":           s.createPolicyVersion,
		"DeletePolicyVersion":           s.deletePolicyVersion,
		"SetDefaultPolicyVersion":       s.setDefaultPolicyVersion,
		"DeletePolicy":                  s.deletePolicy,
		"CreateGroup":                   s.createGroup,
		"GetGroup":                      s.getGroup,
		"ListGroups":                    s.listGroups,
		"DeleteGroup":                   s.deleteGroup,
		"AddUserToGroup":                s.addUserToGroup,
		"RemoveUserFromGroup":           s.removeUserFromGroup,
		"PutGroupPolicy":                s.putGroupPolicy,
		"GetGroupPolicy":                s.getGroupPolicy,
		"DeleteGroupPolicy":             s.deleteGroupPolicy,
		"ListGroupPolicies":             s.listGroupPolicies,
		"AttachGroupPolicy":             s.attachGroupPolicy,
		"DetachGroupPolicy":             s.detachGroupPolicy,
		"ListAttachedGroupPolicies":     s.listAttachedGroupPolicies,
		"CreateRole":                    s.createRole,
		"GetRole":                       s.getRole,
		"ListRoles":                     s.listRoles,
		"DeleteRole":                    s.deleteRole,
		"UpdateAssumeRolePolicy":        s.updateAssumeRolePolicy,
		"PutRolePolicy":                 s.putRolePolicy,
		"GetRolePolicy":                 s.getRolePolicy,
		"DeleteRolePolicy":              s.deleteRolePolicy,
		"ListRolePolicies":              s.listRolePolicies,
		"AttachRolePolicy":              s.attachRolePolicy,
		"DetachRolePolicy":              s.detachRolePolicy,
		"ListAttachedRolePolicies":      s.listAttachedRolePolicies,
		"TagRole":                       s.tagRole,
		"UntagRole":                     s.untagRole,
		"ListRoleTags":                  s.listRoleTags,
		"TagPolicy":                     s.tagPolicy,
		"UntagPolicy":                   s.untagPolicy,
		"ListPolicyTags":                s.listPolicyTags,
	}
}

// LookupAccessKey resolves an active access key that has propagated (see
// Options.AccessKeyDelay), or the key of a role session whose role still
// exists, to its secret and principal. A session's token and expiry are
// checked apart (VerifySession), after the signature.
func (s *Service) LookupAccessKey(id string) (string, *api.Principal, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if strings.HasPrefix(id, "ASIA") {
		return s.lookupSession(id)
	}
	k, ok := s.keys[id]
	if !ok || k.Status != accessKeyStatusActive || s.env.Now().Before(k.UsableAt) {
		return "", nil, false
	}
	u, ok := s.users[strings.ToLower(k.UserName)]
	if !ok {
		return "", nil, false
	}
	p := s.principal(u)
	p.AccessKeyID = id
	return k.Secret, p, true
}

// IdentityPolicies returns the policies that apply to p: for a user its own
// attached managed policies, then its inline policies by name, then those of
// each of its groups; for a role session the role's. The root user has none
// (it needs none); a principal whose user or role is gone has none either.
func (s *Service) IdentityPolicies(p *api.Principal) ([]policy.Named, error) {
	if p == nil || p.IsRoot {
		return nil, nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if r, ok := s.sessionRole(p); ok {
		return s.holderPolicies(nil, &r.policyHolder, "role", nil), nil
	}
	u, ok := s.users[strings.ToLower(p.UserName)]
	if !ok || u.ARN != p.ARN {
		return nil, nil
	}
	return s.policiesOf(u, nil), nil
}

// policySource says where one of a principal's policies came from, for the simulator.
type policySource struct {
	ID   string // SourcePolicyId: the policy's name
	Type string // SourcePolicyType: aws-managed, user-managed, user, group, role
	Text string // the document the statement positions refer to
}

// policiesOf lists u's policies; when sources is not nil it receives one entry per policy.
// Callers hold mu.
func (s *Service) policiesOf(u *user, sources *[]policySource) []policy.Named {
	out := s.holderPolicies(nil, &u.policyHolder, "user", sources)
	for _, g := range s.groupsOf(u) {
		out = s.holderPolicies(out, &g.policyHolder, "group", sources)
	}
	return out
}

// holderPolicies appends h's policies to out: attached managed policies (their
// default version) in attachment order, then inline policies by name. inlineType
// is the SourcePolicyType of its inline policies. Callers hold mu.
func (s *Service) holderPolicies(out []policy.Named, h *policyHolder, inlineType string, sources *[]policySource) []policy.Named {
	for _, arn := range h.Attached {
		mp, ok := s.lookupPolicy(arn)
		if !ok {
			continue
		}
		v := mp.defaultVersion()
		out = append(out, policy.Named{Name: mp.Name, Doc: v.Doc})
		if sources != nil {
			typ := "aws-managed"
			if mp.local {
				typ = "user-managed"
			}
			*sources = append(*sources, policySource{ID: mp.Name, Type: typ, Text: v.Text})
		}
	}
	for _, name := range sortedInline(h) {
		p := h.Inline[name]
		out = append(out, policy.Named{Name: name, Doc: p.Doc})
		if sources != nil {
			*sources = append(*sources, policySource{ID: name, Type: inlineType, Text: p.Text})
		}
	}
	return out
}

func sortedInline(h *policyHolder) []string {
	names := make([]string, 0, len(h.Inline))
	for n := range h.Inline {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// PrincipalExists reports whether arn names a principal a KMS key policy may
// name: an existing user or role, the account's root, or the bare account id.
func (s *Service) PrincipalExists(arn string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.principalExistsLocked(arn)
}

// principalExistsLocked is PrincipalExists for callers holding mu.
func (s *Service) principalExistsLocked(arn string) bool {
	if arn == s.env.AccountID || arn == s.rootARN() {
		return true
	}
	for _, u := range s.users {
		if u.ARN == arn {
			return true
		}
	}
	for _, r := range s.roles {
		if r.ARN == arn {
			return true
		}
	}
	return false
}

// Bootstrap creates the account's first administrator: user name with
// AdministratorAccess and the given access key, usable at once.
func (s *Service) Bootstrap(userName, accessKeyID, secret string) (*api.Principal, error) {
	if s.loadErr != nil {
		return nil, fmt.Errorf("load managed policies: %w", s.loadErr)
	}
	if !userNameRE.MatchString(userName) || len(userName) > 64 {
		return nil, fmt.Errorf("bootstrap user name %q is not a valid IAM user name", userName)
	}
	if len(accessKeyID) < 16 || len(accessKeyID) > 128 || !accessKeyIDRE.MatchString(accessKeyID) {
		return nil, fmt.Errorf("bootstrap access key id %q: want 16-128 word characters", accessKeyID)
	}
	if secret == "" {
		return nil, fmt.Errorf("bootstrap access key %s: empty secret", accessKeyID)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.users[strings.ToLower(userName)]; ok {
		return nil, fmt.Errorf("bootstrap user %s: already exists", userName)
	}
	if _, ok := s.keys[accessKeyID]; ok {
		return nil, fmt.Errorf("bootstrap access key %s: already exists", accessKeyID)
	}
	u := s.newUser(userName, "/")
	u.Attached = []string{administratorAccess}
	now := s.env.Now()
	s.keys[accessKeyID] = &accessKey{ID: accessKeyID, Secret: secret, UserName: u.Name, Status: accessKeyStatusActive, Created: now, UsableAt: now}
	u.Keys = []string{accessKeyID}
	s.users[strings.ToLower(u.Name)] = u
	return s.principal(u), nil
}

// Users returns the user names, sorted.
func (s *Service) Users() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	names := make([]string, 0, len(s.users))
	for _, u := range s.sortedUsers() {
		names = append(names, u.Name)
	}
	return names
}

// sortedUsers returns the users in ListUsers order (by name, ignoring case). Callers hold mu.
func (s *Service) sortedUsers() []*user {
	out := make([]*user, 0, len(s.users))
	for _, u := range s.users {
		out = append(out, u)
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name) })
	return out
}

func (s *Service) newUser(name, path string) *user {
	return &user{
		Name:    name,
		Path:    path,
		ID:      s.env.ID("AIDA", 21),
		ARN:     s.userARN(path, name),
		Created: s.env.Now(),

		policyHolder: policyHolder{Inline: map[string]*inlinePolicy{}},
	}
}

func (s *Service) principal(u *user) *api.Principal {
	return &api.Principal{ARN: u.ARN, AccountID: s.env.AccountID, UserName: u.Name, UserID: u.ID}
}

func (s *Service) userARN(path, name string) string {
	return "arn:aws:iam::" + s.env.AccountID + ":user" + path + name
}

func (s *Service) rootARN() string { return "arn:aws:iam::" + s.env.AccountID + ":root" }

// require authorizes the caller for action on resource before any state is read or changed.
func (s *Service) require(ctx context.Context, action, resource string, extra policy.Context) error {
	if s.az == nil {
		return &api.Error{Code: "ServiceFailure", Message: "IAM has no authorizer", Status: 500}
	}
	return s.az.Require(ctx, authz.Check{Action: action, Resource: resource, Context: extra})
}

// userResource is the ARN an operation on user name is authorized against:
// the user's real ARN (with its path) when it exists, else the path-less form.
func (s *Service) userResource(name string) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if u, ok := s.users[strings.ToLower(name)]; ok {
		return u.ARN
	}
	return s.userARN("/", name)
}

// targetUser resolves an optional UserName parameter: absent means the caller.
func (s *Service) targetUser(ctx context.Context, form url.Values) (string, error) {
	if _, ok := form["UserName"]; ok {
		return form.Get("UserName"), nil
	}
	p := api.CallerFrom(ctx)
	if p == nil || p.UserName == "" {
		return "", api.BadRequest("ValidationError", "Must specify userName when calling with non-User credentials")
	}
	return p.UserName, nil
}

// lookupUser finds a user by name; callers hold mu.
func (s *Service) lookupUser(name string) (*user, error) {
	u, ok := s.users[strings.ToLower(name)]
	if !ok {
		return nil, noSuchUser(name)
	}
	return u, nil
}

func noSuchUser(name string) *api.Error {
	return noSuchEntity("The user with name %s cannot be found.", name)
}

func timestamp(t time.Time) string { return t.UTC().Format(timestampFormat) }
