package iam

import (
	"errors"
	"net/url"
	"testing"

	"kmslab/sim/api"
)

// TestStale: what a write answers when the part of IAM that serves it still
// sees an older copy (view) of the account s already changed.
func TestStale(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	const arnPrefix = "arn:aws:iam::" + testAccount + ":policy/"
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:ListKeys","Resource":"*"}]}`
	// The view: a user with a key and an attached policy, a group with a policy.
	f.ok("CreateUser", "UserName", "old")
	f.ok("CreatePolicy", "PolicyName", "old-policy", "PolicyDocument", doc)
	f.ok("AttachUserPolicy", "UserName", "old", "PolicyArn", arnPrefix+"old-policy")
	f.ok("CreateAccessKey", "UserName", "old")
	f.ok("CreateGroup", "GroupName", "old-group")
	f.ok("AttachGroupPolicy", "GroupName", "old-group", "PolicyArn", arnPrefix+"old-policy")
	view, err := f.svc.Copy()
	if err != nil {
		t.Fatal(err)
	}
	// Then, on s only: new entities, and the old ones' dependents removed.
	f.ok("CreateUser", "UserName", "new")
	f.ok("CreateGroup", "GroupName", "new-group")
	f.ok("CreateRole", "RoleName", "new-role", "AssumeRolePolicyDocument", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+testAccount+`:root"},"Action":"sts:AssumeRole"}]}`)
	f.ok("CreatePolicy", "PolicyName", "new-policy", "PolicyDocument", doc)
	f.ok("DetachUserPolicy", "UserName", "old", "PolicyArn", arnPrefix+"old-policy")
	f.ok("DetachGroupPolicy", "GroupName", "old-group", "PolicyArn", arnPrefix+"old-policy")
	keys := f.svc.users["old"].Keys
	f.ok("DeleteAccessKey", "UserName", "old", "AccessKeyId", keys[0])

	for _, tc := range []struct {
		op       string
		kv       []string
		code     string // "" when the view answers as s does
		contains string
	}{
		{"AttachUserPolicy", []string{"UserName", "new", "PolicyArn", arnPrefix + "old-policy"}, "NoSuchEntity", "The user with name new cannot be found."},
		{"CreateAccessKey", []string{"UserName", "new"}, "NoSuchEntity", "The user with name new cannot be found."},
		{"AttachUserPolicy", []string{"UserName", "old", "PolicyArn", arnPrefix + "new-policy"}, "NoSuchEntity", "Policy " + arnPrefix + "new-policy was not found."},
		{"AddUserToGroup", []string{"UserName", "old", "GroupName", "new-group"}, "NoSuchEntity", "The group with name new-group cannot be found."},
		{"PutRolePolicy", []string{"RoleName", "new-role", "PolicyName", "p", "PolicyDocument", doc}, "NoSuchEntity", "The role with name new-role cannot be found."},
		{"DeleteUser", []string{"UserName", "old"}, "DeleteConflict", "Cannot delete entity, must delete access keys first."},
		{"DeletePolicy", []string{"PolicyArn", arnPrefix + "old-policy"}, "DeleteConflict", "Cannot delete a policy attached to entities."},
		{"DeleteGroup", []string{"GroupName", "old-group"}, "DeleteConflict", "Cannot delete entity, must detach all policies first."},
		// Creating what is new is no staleness; a user s refuses anyway is s's to answer.
		{"CreateUser", []string{"UserName", "new"}, "", ""},
		{"CreateUser", []string{"UserName", "another"}, "", ""},
		{"DeleteUser", []string{"UserName", "nobody"}, "", ""},
	} {
		form := url.Values{}
		for i := 0; i+1 < len(tc.kv); i += 2 {
			form.Set(tc.kv[i], tc.kv[i+1])
		}
		err := f.svc.Stale(view, tc.op, form)
		var ae *api.Error
		switch {
		case tc.code == "" && err != nil:
			t.Errorf("%s %v: %v, want no stale answer", tc.op, tc.kv, err)
		case tc.code != "" && (!errors.As(err, &ae) || ae.Code != tc.code || ae.Message != tc.contains):
			t.Errorf("%s %v: %v, want %s: %s", tc.op, tc.kv, err, tc.code, tc.contains)
		}
	}
	if err := f.svc.Stale(f.svc, "DeleteUser", url.Values{"UserName": {"old"}}); err != nil {
		t.Errorf("s against itself: %v", err)
	}
}
