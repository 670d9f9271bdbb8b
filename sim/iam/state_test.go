package iam

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestStateRoundTripGroupsRolesSessions: groups, roles and STS sessions come
// back from MarshalState exactly, and a second save of the restored account
// is byte for byte the first.
func TestStateRoundTripGroupsRolesSessions(t *testing.T) {
	f := newFixture(t, Options{})
	f.ok("CreateUser", "UserName", "bob")
	f.ok("CreateGroup", "GroupName", "Readers", "Path", "/lab/")
	f.ok("AddUserToGroup", "GroupName", "readers", "UserName", "bob")
	f.ok("AttachGroupPolicy", "GroupName", "Readers", "PolicyArn", "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess")
	f.ok("PutGroupPolicy", "GroupName", "Readers", "PolicyName", "decrypt", "PolicyDocument", localDoc)
	f.ok("CreateRole", "RoleName", "App", "AssumeRolePolicyDocument", rootTrust, "MaxSessionDuration", "7200",
		"Description", "the app", "Tags.member.1.Key", "team", "Tags.member.1.Value", "lab")
	f.ok("AttachRolePolicy", "RoleName", "App", "PolicyArn", "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess")
	f.ok("PutRolePolicy", "RoleName", "App", "PolicyName", "decrypt", "PolicyDocument", localDoc)
	r, ok := f.svc.Role("arn:aws:iam::111122223333:role/App")
	if !ok {
		t.Fatal("role App not found")
	}
	live, err := f.svc.IssueSession(r, "s1", 2*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(time.Minute)
	f.svc.RecordKeyUse(live.AccessKeyID, "kms", "eu-west-1", f.clock.Now())
	expired, err := f.svc.IssueSession(r, "s2", 15*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(time.Hour)

	saved, err := f.svc.MarshalState()
	if err != nil {
		t.Fatal(err)
	}
	g := newFixture(t, Options{})
	g.clock.Set(f.clock.Now())
	if err := g.svc.RestoreState(saved); err != nil {
		t.Fatalf("RestoreState: %v", err)
	}
	for name, pair := range map[string][2]any{
		"groups":   {f.svc.groups, g.svc.groups},
		"roles":    {f.svc.roles, g.svc.roles},
		"sessions": {f.svc.sessions, g.svc.sessions},
		"users":    {f.svc.users, g.svc.users},
	} {
		if !reflect.DeepEqual(pair[0], pair[1]) {
			t.Errorf("%s after restore differ:\n%#v\n%#v", name, pair[0], pair[1])
		}
	}
	again, err := g.svc.MarshalState()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(saved, again) {
		t.Errorf("a restored account saves differently:\n%s\n%s", saved, again)
	}

	// The restored session authenticates as the role; the expired one is known but over.
	sec, p, ok := g.svc.LookupAccessKey(live.AccessKeyID)
	if !ok || sec != live.SecretAccessKey || p.ARN != live.ARN || p.UserID != live.AssumedRoleID {
		t.Fatalf("restored session: ok=%v principal=%+v", ok, p)
	}
	if ok, exp := g.svc.VerifySession(live.AccessKeyID, live.SessionToken); !ok || exp {
		t.Errorf("restored live session: token ok=%v expired=%v", ok, exp)
	}
	if ok, exp := g.svc.VerifySession(expired.AccessKeyID, expired.SessionToken); !ok || !exp {
		t.Errorf("restored expired session: token ok=%v expired=%v", ok, exp)
	}
	// The group's policies apply to bob, and the role's to the session.
	u := g.svc.users["bob"]
	if gs := g.svc.groupsOf(u); len(gs) != 1 || gs[0].Name != "Readers" || gs[0].Inline["decrypt"].Doc == nil {
		t.Errorf("bob's groups after restore: %+v", gs)
	}
	if rr := g.svc.roles["app"]; rr.TrustDoc == nil || rr.Inline["decrypt"].Doc == nil || rr.MaxSession != 7200 || rr.LastUsed == nil {
		t.Errorf("role after restore: %+v", rr)
	}
	// Restored maps take new entities.
	g.ok("CreateGroup", "GroupName", "more")
	g.ok("CreateRole", "RoleName", "more", "AssumeRolePolicyDocument", rootTrust)
}

// TestRestoreStateBeforeGroupsAndRoles: a file saved before groups, roles
// and sessions were kept restores, with none of them, and they can be made.
func TestRestoreStateBeforeGroupsAndRoles(t *testing.T) {
	f := newFixture(t, Options{})
	f.ok("CreateUser", "UserName", "bob")
	f.ok("PutUserPolicy", "UserName", "bob", "PolicyName", "p", "PolicyDocument", localDoc)
	b, err := f.svc.MarshalState()
	if err != nil {
		t.Fatal(err)
	}
	// Such a file had none of the new fields, and the parsed inline
	// policies in it, which are ignored now.
	for _, field := range []string{`"Groups"`, `"Roles"`, `"Sessions"`} {
		if bytes.Contains(b, []byte(field)) {
			t.Fatalf("an account without them saves %s: %s", field, b)
		}
	}
	old := strings.Replace(string(b), `"Text":`, `"Doc":{"Version":"2012-10-17","Statement":[]},"Text":`, 1)
	f = newFixture(t, Options{})
	if err := f.svc.RestoreState([]byte(old)); err != nil {
		t.Fatalf("RestoreState of an old file: %v", err)
	}
	if len(f.svc.groups)+len(f.svc.roles)+len(f.svc.sessions) != 0 || f.svc.users["bob"].Inline["p"].Doc == nil {
		t.Fatalf("old file restored to %d groups, %d roles, %d sessions", len(f.svc.groups), len(f.svc.roles), len(f.svc.sessions))
	}
	f.ok("CreateGroup", "GroupName", "g")
	f.ok("AddUserToGroup", "GroupName", "g", "UserName", "bob")
	f.ok("CreateRole", "RoleName", "r", "AssumeRolePolicyDocument", rootTrust)
	r, _ := f.svc.Role("arn:aws:iam::111122223333:role/r")
	if _, err := f.svc.IssueSession(r, "s", time.Hour); err != nil {
		t.Fatal(err)
	}
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }

// TestRestoreStateRejectsGroupsRolesSessions: a saved state that does not
// hang together is refused, and the account is left as it was.
func TestRestoreStateRejectsGroupsRolesSessions(t *testing.T) {
	const users = `"Users":{"bob":{"Name":"bob"}},"Keys":{"AKIABOB":{"ID":"AKIABOB","UserName":"bob"}}`
	trust := quote(rootTrust)
	tests := []struct{ name, state, want string }{
		{"nil group", `{` + users + `,"Groups":{"g":null}}`, `group "g" does not match`},
		{"group under another name", `{` + users + `,"Groups":{"g":{"Name":"h"}}}`, `group "g" does not match`},
		{"member not a user", `{` + users + `,"Groups":{"g":{"Name":"G","Members":["alice"]}}}`, `member "alice" who is not a user`},
		{"group inline broken", `{` + users + `,"Groups":{"g":{"Name":"g","Inline":{"p":{"Name":"p","Text":"{"}}}}}`, "policy p of group g"},
		{"group inline nil", `{` + users + `,"Groups":{"g":{"Name":"g","Inline":{"p":null}}}}`, "policy p of group g is empty"},
		{"nil role", `{` + users + `,"Roles":{"r":null}}`, `role "r" does not match`},
		{"role under another name", `{` + users + `,"Roles":{"r":{"Name":"x","Trust":` + trust + `}}}`, `role "r" does not match`},
		{"no trust", `{` + users + `,"Roles":{"r":{"Name":"r"}}}`, "trust policy of role r"},
		{"identity policy as trust", `{` + users + `,"Roles":{"r":{"Name":"r","Trust":` + quote(localDoc) + `}}}`, "trust policy of role r"},
		{"role inline broken", `{` + users + `,"Roles":{"r":{"Name":"r","Trust":` + trust + `,"Inline":{"p":{"Name":"p","Text":"[]"}}}}}`, "policy p of role r"},
		{"nil session", `{` + users + `,"Sessions":{"ASIAX":null}}`, `session "ASIAX"`},
		{"session under another key", `{` + users + `,"Sessions":{"ASIAX":{"AccessKeyID":"ASIAY"}}}`, `session "ASIAX"`},
		{"session not an ASIA key", `{` + users + `,"Sessions":{"XYZ":{"AccessKeyID":"XYZ"}}}`, `session "XYZ"`},
		{"session shadowing a key", `{"Users":{"bob":{"Name":"bob"}},"Keys":{"ASIAB":{"ID":"ASIAB","UserName":"bob"}},"Sessions":{"ASIAB":{"AccessKeyID":"ASIAB"}}}`, `session "ASIAB"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, Options{})
			f.ok("CreateGroup", "GroupName", "kept")
			before, _ := f.svc.MarshalState()
			err := f.svc.RestoreState([]byte(tt.state))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("RestoreState = %v, want an error with %q", err, tt.want)
			}
			if after, _ := f.svc.MarshalState(); !bytes.Equal(before, after) {
				t.Errorf("a refused restore changed the account")
			}
		})
	}
}
