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
// (the data dir is the user's own, 0700), and customer managed policies with
// their versions. AWS managed policies are data shipped with kmslab and not kept.
type state struct {
	Users    map[string]*user
	Keys     map[string]*accessKey
	Policies []policyState // customer managed
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
	st := state{Users: s.users, Keys: s.keys}
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

// RestoreState replaces IAM's users and keys with those of b, from MarshalState.
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
	// A policy is kept as submitted and parsed again, so a restored account
	// evaluates exactly what PutUserPolicy accepted.
	for name, u := range st.Users {
		if u == nil || strings.ToLower(u.Name) != name {
			return fmt.Errorf("restore iam: user %q does not match its name", name)
		}
		if u.Inline == nil {
			u.Inline = map[string]*inlinePolicy{}
		}
		for pn, p := range u.Inline {
			if p == nil {
				return fmt.Errorf("restore iam: policy %s of %s is empty", pn, u.Name)
			}
			doc, err := policy.ParseIdentity([]byte(p.Text))
			if err != nil {
				return fmt.Errorf("restore iam: policy %s of %s: %w", pn, u.Name, err)
			}
			p.Doc = doc
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
