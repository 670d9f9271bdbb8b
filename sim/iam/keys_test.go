package iam

import (
	"regexp"
	"testing"
	"time"
)

func TestAccessKeys(t *testing.T) {
	f := newFixture(t, Options{AccessKeyDelay: 10 * time.Second})
	f.ok("CreateUser", "UserName", "bob")
	k1 := f.ok("CreateAccessKey", "UserName", "bob").(createAccessKeyResult).AccessKey
	if !regexp.MustCompile(`^AKIA[A-Z2-7]{16}$`).MatchString(k1.AccessKeyID) || len(k1.SecretAccessKey) != 40 ||
		k1.Status != "Active" || k1.UserName != "bob" || k1.CreateDate != "2026-11-22T16:21:50Z" {
		t.Fatalf("CreateAccessKey = %+v", k1)
	}

	// Propagation delay: unknown until AccessKeyDelay has passed.
	if _, _, ok := f.svc.LookupAccessKey(k1.AccessKeyID); ok {
		t.Fatal("new key usable before AccessKeyDelay")
	}
	f.clock.Advance(9 * time.Second)
	if _, _, ok := f.svc.LookupAccessKey(k1.AccessKeyID); ok {
		t.Fatal("new key usable 1s before AccessKeyDelay")
	}
	f.clock.Advance(time.Second)
	secret, p, ok := f.svc.LookupAccessKey(k1.AccessKeyID)
	if !ok || secret != k1.SecretAccessKey || p.UserName != "bob" || p.ARN != "arn:aws:iam::111122223333:user/bob" ||
		p.AccessKeyID != k1.AccessKeyID || p.AccountID != testAccount || p.IsRoot {
		t.Fatalf("LookupAccessKey = %q %+v %v", secret, p, ok)
	}
	// The bootstrap key is usable at once, whatever the delay.
	if _, admin, ok := f.svc.LookupAccessKey("AKIAADMINADMINADMIN1"); !ok || admin.UserName != "lab-admin" {
		t.Fatal("bootstrap key not usable")
	}

	k2 := f.ok("CreateAccessKey", "UserName", "bob").(createAccessKeyResult).AccessKey
	f.fails("CreateAccessKey", "LimitExceeded", 409, "Cannot exceed quota for AccessKeysPerUser: 2", "UserName", "bob")

	list := f.ok("ListAccessKeys", "UserName", "bob").(listAccessKeysResult)
	if len(list.AccessKeyMetadata.Member) != 2 || list.AccessKeyMetadata.Member[0].AccessKeyID != k1.AccessKeyID ||
		list.AccessKeyMetadata.Member[1].AccessKeyID != k2.AccessKeyID {
		t.Fatalf("ListAccessKeys = %+v", list)
	}

	f.ok("UpdateAccessKey", "UserName", "bob", "AccessKeyId", k1.AccessKeyID, "Status", "Inactive")
	if _, _, ok := f.svc.LookupAccessKey(k1.AccessKeyID); ok {
		t.Fatal("inactive key still usable")
	}
	list = f.ok("ListAccessKeys", "UserName", "bob").(listAccessKeysResult)
	if list.AccessKeyMetadata.Member[0].Status != "Inactive" {
		t.Fatalf("status after update = %s", list.AccessKeyMetadata.Member[0].Status)
	}
	f.ok("UpdateAccessKey", "UserName", "bob", "AccessKeyId", k1.AccessKeyID, "Status", "Active")
	if _, _, ok := f.svc.LookupAccessKey(k1.AccessKeyID); !ok {
		t.Fatal("reactivated key unusable")
	}

	// Another user's key is not found through this user.
	f.fails("DeleteAccessKey", "NoSuchEntity", 404, "The Access Key with id AKIAADMINADMINADMIN1 cannot be found.",
		"UserName", "bob", "AccessKeyId", "AKIAADMINADMINADMIN1")
	f.ok("DeleteAccessKey", "UserName", "bob", "AccessKeyId", k1.AccessKeyID)
	if _, _, ok := f.svc.LookupAccessKey(k1.AccessKeyID); ok {
		t.Fatal("deleted key still usable")
	}

	// Without UserName the caller's own keys are meant.
	mine := f.ok("ListAccessKeys").(listAccessKeysResult)
	if len(mine.AccessKeyMetadata.Member) != 1 || mine.AccessKeyMetadata.Member[0].UserName != "lab-admin" {
		t.Fatalf("ListAccessKeys of the caller = %+v", mine)
	}
	f.fails("ListAccessKeys", "NoSuchEntity", 404, "The user with name ghost cannot be found.", "UserName", "ghost")
}

func TestBootstrapErrors(t *testing.T) {
	f := newFixture(t, Options{})
	tests := []struct{ user, id, secret string }{
		{"lab-admin", "AKIAOTHEROTHEROTHER1", "s"}, // user exists
		{"other", "AKIAADMINADMINADMIN1", "s"},     // key exists
		{"bad name", "AKIAOTHEROTHEROTHER2", "s"},
		{"other", "short", "s"},
		{"other", "AKIAOTHEROTHEROTHER3", ""},
	}
	for _, tt := range tests {
		if _, err := f.svc.Bootstrap(tt.user, tt.id, tt.secret); err == nil {
			t.Errorf("Bootstrap(%q, %q, %q) succeeded", tt.user, tt.id, tt.secret)
		}
	}
}

func TestPrincipalExists(t *testing.T) {
	f := newFixture(t, Options{})
	for arn, want := range map[string]bool{
		"arn:aws:iam::111122223333:root":           true,
		"111122223333":                             true,
		"arn:aws:iam::111122223333:user/lab-admin": true,
		"arn:aws:iam::111122223333:user/nobody":    false,
		"arn:aws:iam::444455556666:root":           false,
		"arn:aws:iam::111122223333:role/lab-admin": false,
		"*": false,
	} {
		if got := f.svc.PrincipalExists(arn); got != want {
			t.Errorf("PrincipalExists(%q) = %v, want %v", arn, got, want)
		}
	}
}
