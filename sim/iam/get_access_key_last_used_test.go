package iam

import (
	"testing"
	"time"

	"kmslab/sim/api"
)

func TestGetAccessKeyLastUsed(t *testing.T) {
	f := newFixture(t, Options{})
	bob := f.userPrincipal("bob")
	lastUsed := func(id string) getAccessKeyLastUsedResult {
		t.Helper()
		return f.ok("GetAccessKeyLastUsed", "AccessKeyId", id).(getAccessKeyLastUsedResult)
	}

	never := lastUsed(bob.AccessKeyID)
	want := getAccessKeyLastUsedResult{UserName: "bob", AccessKeyLastUsed: accessKeyLastUsedXML{ServiceName: "N/A", Region: "N/A"}}
	if never != want {
		t.Fatalf("never used = %+v, want %+v", never, want)
	}

	f.clock.Advance(90 * time.Minute)
	f.svc.RecordKeyUse(bob.AccessKeyID, "dynamodb", "eu-west-1", f.clock.Now())
	used := lastUsed(bob.AccessKeyID)
	want = getAccessKeyLastUsedResult{UserName: "bob", AccessKeyLastUsed: accessKeyLastUsedXML{
		LastUsedDate: "2026-11-22T17:51:50Z", ServiceName: "dynamodb", Region: "eu-west-1"}}
	if used != want {
		t.Fatalf("used = %+v, want %+v", used, want)
	}

	// The latest use wins, and a use of one key says nothing of another.
	f.clock.Advance(time.Hour)
	f.svc.RecordKeyUse(bob.AccessKeyID, "kms", "us-east-1", f.clock.Now())
	if got := lastUsed(bob.AccessKeyID).AccessKeyLastUsed; got.ServiceName != "kms" || got.LastUsedDate != "2026-11-22T18:51:50Z" {
		t.Fatalf("after second use = %+v", got)
	}
	second := f.ok("CreateAccessKey", "UserName", "bob").(createAccessKeyResult).AccessKey
	if got := lastUsed(second.AccessKeyID).AccessKeyLastUsed; got.ServiceName != "N/A" || got.LastUsedDate != "" {
		t.Fatalf("second key = %+v", got)
	}

	// Recording for a key IAM does not know is a no-op, not a new key.
	f.svc.RecordKeyUse("AKIANOSUCHKEYATALL00", "kms", "us-east-1", f.clock.Now())
	f.fails("GetAccessKeyLastUsed", "NoSuchEntity", 404, "The Access Key with id AKIANOSUCHKEYATALL00 cannot be found.",
		"AccessKeyId", "AKIANOSUCHKEYATALL00")

	// A deleted key is gone, its history with it.
	f.ok("DeleteAccessKey", "UserName", "bob", "AccessKeyId", bob.AccessKeyID)
	f.fails("GetAccessKeyLastUsed", "NoSuchEntity", 404, "The Access Key with id "+bob.AccessKeyID+" cannot be found.",
		"AccessKeyId", bob.AccessKeyID)

	f.fails("GetAccessKeyLastUsed", "ValidationError", 400, "", "AccessKeyId", "short")
	f.fails("GetAccessKeyLastUsed", "ValidationError", 400, "")
}

func TestGetAccessKeyLastUsedAuthorization(t *testing.T) {
	f := newFixture(t, Options{})
	self := f.userPrincipal("self")
	f.ok("PutUserPolicy", "UserName", "self", "PolicyName", "own", "PolicyDocument",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetAccessKeyLastUsed","Resource":"arn:aws:iam::111122223333:user/${aws:username}"}]}`)
	other := f.userPrincipal("other", "AmazonDynamoDBFullAccess")
	reader := f.userPrincipal("reader")
	f.ok("PutUserPolicy", "UserName", "reader", "PolicyName", "all-users", "PolicyDocument",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetAccessKeyLastUsed","Resource":"arn:aws:iam::111122223333:user/*"}]}`)

	const acct = "arn:aws:iam::111122223333:"
	deny := func(who, resource string) string {
		return "User: " + acct + "user/" + who + " is not authorized to perform: iam:GetAccessKeyLastUsed on resource: " +
			resource + " because no identity-based policy allows the iam:GetAccessKeyLastUsed action"
	}
	tests := []struct {
		name   string
		caller *api.Principal
		key    string
		msg    string // "" means allowed
	}{
		{"own key", self, self.AccessKeyID, ""},
		{"another user's key is authorized on that user", self, other.AccessKeyID, deny("self", acct+"user/other")},
		{"no policy", other, self.AccessKeyID, deny("other", acct+"user/self")},
		{"allowed on user/* reads any key", reader, other.AccessKeyID, ""},
		{"unknown key needs every user", self, "AKIANOSUCHKEYATALL00", deny("self", acct+"user/*")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.t = t
			_, err := f.call(tt.caller, "GetAccessKeyLastUsed", "AccessKeyId", tt.key)
			if tt.msg == "" {
				if err != nil {
					t.Fatalf("denied: %v", err)
				}
				return
			}
			expectErr(t, err, "AccessDenied", 403, tt.msg)
		})
	}
	// A caller allowed on every user learns the key does not exist.
	f.t = t
	_, err := f.call(reader, "GetAccessKeyLastUsed", "AccessKeyId", "AKIANOSUCHKEYATALL00")
	expectErr(t, err, "NoSuchEntity", 404, "The Access Key with id AKIANOSUCHKEYATALL00 cannot be found.")
}
