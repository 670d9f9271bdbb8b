package iam

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"kmslab/policy"
	"kmslab/sim/api"
)

// session is a set of temporary credentials STS issued for a role.
type session struct {
	AccessKeyID string
	Secret      string
	Token       string
	RoleName    string // the role's name; the session ends with the role
	RoleID      string // the role's id: a role deleted and created again is another role
	Name        string // RoleSessionName
	Created     time.Time
	Expires     time.Time
}

// RoleInfo is what STS needs to decide an AssumeRole: who the role is and
// whom its trust policy admits.
type RoleInfo struct {
	Name       string
	ID         string
	ARN        string
	Trust      *policy.Document
	MaxSession time.Duration
}

// Role finds a role by its ARN (path included), as AssumeRole names it.
func (s *Service) Role(arn string) (RoleInfo, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, r := range s.roles {
		if r.ARN == arn {
			return RoleInfo{Name: r.Name, ID: r.ID, ARN: r.ARN, Trust: r.TrustDoc, MaxSession: time.Duration(r.MaxSession) * time.Second}, true
		}
	}
	return RoleInfo{}, false
}

// Session is an issued set of temporary credentials.
type Session struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	Expiration      time.Time
	AssumedRoleID   string // ROLEID:session
	ARN             string // arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION
}

// IssueSession creates temporary credentials for the role r (as returned by
// Role) lasting d. It fails if the role was deleted meanwhile.
func (s *Service) IssueSession(r RoleInfo, sessionName string, d time.Duration) (Session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.roles[strings.ToLower(r.Name)]
	if !ok || cur.ID != r.ID {
		return Session{}, noSuchRole(r.Name)
	}
	id := s.env.ID("ASIA", 20)
	for s.sessions[id] != nil || s.keys[id] != nil {
		id = s.env.ID("ASIA", 20)
	}
	token, err := sessionToken()
	if err != nil {
		return Session{}, err
	}
	now := s.env.Now()
	ss := &session{AccessKeyID: id, Secret: s.env.Secret(), Token: token, RoleName: cur.Name, RoleID: cur.ID,
		Name: sessionName, Created: now, Expires: now.Add(d)}
	s.sessions[id] = ss
	s.dropExpiredSessions(now)
	return Session{
		AccessKeyID: id, SecretAccessKey: ss.Secret, SessionToken: token, Expiration: ss.Expires,
		AssumedRoleID: cur.ID + ":" + sessionName, ARN: s.sessionARN(cur.Name, sessionName),
	}, nil
}

// dropExpiredSessions forgets sessions expired for more than a day: their
// tokens stay recognisable (ExpiredToken, not an unknown token) for a while,
// and the map does not grow without bound. Callers hold mu.
func (s *Service) dropExpiredSessions(now time.Time) {
	for id, ss := range s.sessions {
		if now.Sub(ss.Expires) > 24*time.Hour {
			delete(s.sessions, id)
		}
	}
}

// sessionToken is an opaque token from crypto/rand: like a secret, it must not
// follow a public seed.
func sessionToken() (string, error) {
	b := make([]byte, 96)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("session token: %w", err)
	}
	return "IQoJb3JpZ2luX2Vj" + base64.StdEncoding.EncodeToString(b), nil
}

func (s *Service) sessionARN(roleName, sessionName string) string {
	return "arn:aws:sts::" + s.env.AccountID + ":assumed-role/" + roleName + "/" + sessionName
}

// lookupSession resolves a session key whose role still exists to its
// secret and principal; callers hold mu.
func (s *Service) lookupSession(id string) (string, *api.Principal, bool) {
	ss, ok := s.sessions[id]
	if !ok {
		return "", nil, false
	}
	r, ok := s.roles[strings.ToLower(ss.RoleName)]
	if !ok || r.ID != ss.RoleID {
		return "", nil, false
	}
	return ss.Secret, &api.Principal{
		ARN: s.sessionARN(r.Name, ss.Name), RoleARN: r.ARN, AccountID: s.env.AccountID,
		UserID: r.ID + ":" + ss.Name, AccessKeyID: id,
	}, true
}

// VerifySession checks the session token a request carried for accessKeyID.
// ok is false when the token is not the one issued with that key (or the key
// is a long-term key and any token was sent); expired when the session is over.
func (s *Service) VerifySession(accessKeyID, token string) (ok, expired bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ss, isSession := s.sessions[accessKeyID]
	if !isSession {
		return token == "", false
	}
	if subtle.ConstantTimeCompare([]byte(ss.Token), []byte(token)) != 1 {
		return false, false
	}
	return true, !s.env.Now().Before(ss.Expires)
}

// sessionRole returns the role of an assumed-role principal; callers hold mu.
func (s *Service) sessionRole(p *api.Principal) (*role, bool) {
	name, ok := assumedRoleName(p.ARN)
	if !ok {
		return nil, false
	}
	r, ok := s.roles[strings.ToLower(name)]
	if !ok || !strings.HasPrefix(p.UserID, r.ID+":") {
		return nil, false
	}
	return r, true
}

// assumedRoleName is ROLE in arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION.
func assumedRoleName(arn string) (string, bool) {
	parts, ok := splitARN(arn)
	if !ok || parts[2] != "sts" {
		return "", false
	}
	rest, ok := strings.CutPrefix(parts[5], "assumed-role/")
	if !ok {
		return "", false
	}
	name, _, ok := strings.Cut(rest, "/")
	return name, ok
}
