package iam

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"kmslab/policy"
	"kmslab/sim/api"
)

// state is what IAM keeps across a restart of `kmslab serve --data-dir`:
// users with their policies and tags, and access keys with their secrets
// (the data dir is the user's own, 0700), customer managed policies with
// their versions, groups, roles, and the STS sessions issued for roles with
// their secrets and tokens, so credentials handed out before a restart work
// until they expire. AWS managed policies are data shipped with kmslab and
// not kept. Fields added later are optional: a file from before them restores.
type state struct {
	Users    map[string]*user
	Keys     map[string]*accessKey
	Policies []policyState       // customer managed
	Groups   map[string]*group   `json:",omitempty"`
	Roles    map[string]*role    `json:",omitempty"`
	Sessions map[string]*session `json:",omitempty"`
}

type policyState struct {
	Name, ARN, Path, DefaultVersionID, Description, ID string
	Created, Updated                                   time.Time
	Next                                               int
	Tags                                               []tag
	Versions                                           []versionState
}

type versionState struct {
	ID, Text string
	Created  time.Time
}

// MarshalState encodes everything IAM holds, for persistence.
func (s *Service) MarshalState() ([]byte, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	st := state{Users: s.users, Keys: s.keys, Groups: s.groups, Roles: s.roles, Sessions: s.sessions}
	for _, mp := range s.policies {
		ps := policyState{Name: mp.Name, ARN: mp.ARN, Path: mp.Path, DefaultVersionID: mp.DefaultVersionID,
			Description: mp.Description, ID: mp.id, Created: mp.Created, Updated: mp.Updated, Next: mp.next, Tags: mp.tags}
		for _, v := range mp.versions {
			ps.Versions = append(ps.Versions, versionState{ID: v.ID, Text: v.Text, Created: v.Created})
		}
		st.Policies = append(st.Policies, ps)
	}
	return json.Marshal(st)
}

// RestoreState replaces everything IAM holds with what b holds, from MarshalState.
func (s *Service) RestoreState(b []byte) error {
	var st state
	if err := json.Unmarshal(b, &st); err != nil {
		return fmt.Errorf("restore iam: %w", err)
	}
	if st.Users == nil {
		st.Users = map[string]*user{}
	}
	if st.Keys == nil {
		st.Keys = map[string]*accessKey{}
	}
	for id, k := range st.Keys {
		if k == nil || k.ID != id || st.Users[strings.ToLower(k.UserName)] == nil {
			return fmt.Errorf("restore iam: access key %q does not match a user", id)
		}
	}
	for name, u := range st.Users {
		if u == nil || strings.ToLower(u.Name) != name {
			return fmt.Errorf("restore iam: user %q does not match its name", name)
		}
		if err := restoreInline(&u.policyHolder, "user "+u.Name); err != nil {
			return err
		}
	}
	if err := restoreGroupsRoles(&st); err != nil {
		return err
	}
	for id, ss := range st.Sessions {
		// A session key must not shadow a long-term key: VerifySession
		// would then demand a token of the key's owner.
		if ss == nil || ss.AccessKeyID != id || !strings.HasPrefix(id, "ASIA") || st.Keys[id] != nil {
			return fmt.Errorf("restore iam: session %q does not match its key", id)
		}
	}
	policies := map[string]*managedPolicy{}
	for _, ps := range st.Policies {
		mp := &managedPolicy{Name: ps.Name, ARN: ps.ARN, Path: ps.Path, DefaultVersionID: ps.DefaultVersionID,
			Description: ps.Description, Created: ps.Created, Updated: ps.Updated,
			id: ps.ID, local: true, next: ps.Next, tags: ps.Tags}
		for _, v := range ps.Versions {
			doc, err := policy.ParseIdentity([]byte(v.Text))
			if err != nil {
				return fmt.Errorf("restore iam: policy %s version %s: %w", ps.ARN, v.ID, err)
			}
			mp.versions = append(mp.versions, &policyVersion{ID: v.ID, Text: v.Text, Doc: doc, Created: v.Created})
		}
		if mp.defaultVersion() == nil {
			return fmt.Errorf("restore iam: policy %s has no version %s", ps.ARN, ps.DefaultVersionID)
		}
		policies[mp.ARN] = mp
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users, s.keys, s.policies = st.Users, st.Keys, policies
	s.groups, s.roles, s.sessions = st.Groups, st.Roles, st.Sessions
	return nil
}

// restoreGroupsRoles checks the restored groups and roles and parses their
// policies; a file from before groups and roles has none.
func restoreGroupsRoles(st *state) error {
	if st.Groups == nil {
		st.Groups = map[string]*group{}
	}
	if st.Roles == nil {
		st.Roles = map[string]*role{}
	}
	if st.Sessions == nil {
		st.Sessions = map[string]*session{}
	}
	for name, g := range st.Groups {
		if g == nil || strings.ToLower(g.Name) != name {
			return fmt.Errorf("restore iam: group %q does not match its name", name)
		}
		for _, m := range g.Members {
			// DeleteUser refuses while the user is in a group.
			if st.Users[strings.ToLower(m)] == nil {
				return fmt.Errorf("restore iam: group %s has member %q who is not a user", g.Name, m)
			}
		}
		if err := restoreInline(&g.policyHolder, "group "+g.Name); err != nil {
			return err
		}
	}
	for name, r := range st.Roles {
		if r == nil || strings.ToLower(r.Name) != name {
			return fmt.Errorf("restore iam: role %q does not match its name", name)
		}
		// Not parseTrust: the principals it names may be gone since, which
		// IAM accepts of a stored trust policy.
		doc, err := policy.ParseResource([]byte(r.Trust))
		if err != nil {
			return fmt.Errorf("restore iam: trust policy of role %s: %w", r.Name, err)
		}
		r.TrustDoc = doc
		if err := restoreInline(&r.policyHolder, "role "+r.Name); err != nil {
			return err
		}
	}
	return nil
}

// restoreInline parses again the inline policies kept as submitted, so a
// restored account evaluates exactly what Put*Policy accepted.
func restoreInline(h *policyHolder, owner string) error {
	if h.Inline == nil {
		h.Inline = map[string]*inlinePolicy{}
	}
	for pn, p := range h.Inline {
		if p == nil {
			return fmt.Errorf("restore iam: policy %s of %s is empty", pn, owner)
		}
		doc, err := policy.ParseIdentity([]byte(p.Text))
		if err != nil {
			return fmt.Errorf("restore iam: policy %s of %s: %w", pn, owner, err)
		}
		p.Doc = doc
	}
	return nil
}

// ResumeAdmin finds the restored bootstrap user. With accessKeyID empty it
// returns the user's first active access key, so clients configured before a
// restart keep working (with secret, when given, as its new secret); otherwise it makes sure that key exists with secret
// (adding it to the user if needed, replacing another user's key never).
func (s *Service) ResumeAdmin(userName, accessKeyID, secret string) (p *api.Principal, id, sec string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[strings.ToLower(userName)]
	if u == nil {
		return nil, "", "", fmt.Errorf("resume admin: user %s is not in the saved state", userName)
	}
	if accessKeyID == "" {
		for _, kid := range u.Keys {
			if k := s.keys[kid]; k != nil && k.Status == accessKeyStatusActive {
				if secret != "" {
					k.Secret = secret // the secret given now is the one to use
				}
				return s.principal(u), k.ID, k.Secret, nil
			}
		}
		return nil, "", "", fmt.Errorf("resume admin: user %s has no active access key in the saved state", userName)
	}
	if secret == "" {
		return nil, "", "", fmt.Errorf("resume admin: access key %s needs its secret", accessKeyID)
	}
	if k := s.keys[accessKeyID]; k != nil {
		if k.UserName != u.Name {
			return nil, "", "", fmt.Errorf("resume admin: access key %s belongs to %s", accessKeyID, k.UserName)
		}
		k.Secret, k.Status = secret, accessKeyStatusActive
		return s.principal(u), k.ID, k.Secret, nil
	}
	now := s.env.Now()
	s.keys[accessKeyID] = &accessKey{ID: accessKeyID, Secret: secret, UserName: u.Name, Status: accessKeyStatusActive, Created: now, UsableAt: now}
	u.Keys = append(u.Keys, accessKeyID)
	return s.principal(u), accessKeyID, secret, nil
}
