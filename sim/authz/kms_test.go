package authz

import (
	"context"
	"errors"
	"testing"

	"kmslab/policy"
	"kmslab/sim/api"
)

// TestKMSRule is KMS's rule as authz decides it: the key policy must allow
// (directly or by delegating to the account), a grant allows its grantee its
// operations under its constraints, and nothing overrides an explicit deny.
func TestKMSRule(t *testing.T) {
	const (
		acct = "111122223333"
		key  = "arn:aws:kms:us-east-1:111122223333:key/k"
	)
	bob := &api.Principal{ARN: "arn:aws:iam::111122223333:user/bob", AccountID: acct, UserName: "bob"}
	resource := func(src string) *policy.Document {
		d, err := policy.ParseResource([]byte(src))
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	delegating := resource(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}`)
	denyingDecrypt := resource(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"},
		{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"kms:Decrypt","Resource":"*"}]}`)
	viaOnly := resource(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:Decrypt","Resource":"*",
		"Condition":{"StringEquals":{"kms:CallerAccount":"111122223333","kms:ViaService":"dynamodb.us-east-1.amazonaws.com","kms:EncryptionContext:table":"t"}}}]}`)
	decryptGrant := policy.Grant{Grantee: bob.ARN, Operations: []string{"Decrypt"}}
	constrained := policy.Grant{Grantee: bob.ARN, Operations: []string{"Decrypt"}, EncryptionContextEquals: map[string]string{"Table": "t"}}
	// bob's identity policies allow nothing: only the key policy or a grant can.
	az := New(api.NewEnv(acct, "us-east-1", nil, nil), fakeIdentities{})

	tests := []struct {
		name  string
		via   string
		check Check
		allow bool
	}{
		{"delegation alone does not allow a user IAM does not", "", Check{Action: "kms:Decrypt", Resource: key, ResourcePolicy: delegating, KMS: true}, false},
		{"a grant allows its operation", "", Check{Action: "kms:Decrypt", Resource: key, ResourcePolicy: delegating, KMS: true, Grants: []policy.Grant{decryptGrant}}, true},
		{"a grant allows only its operations", "", Check{Action: "kms:Encrypt", Resource: key, ResourcePolicy: delegating, KMS: true, Grants: []policy.Grant{decryptGrant}}, false},
		{"a grant for someone else", "", Check{Action: "kms:Decrypt", Resource: key, ResourcePolicy: delegating, KMS: true,
			Grants: []policy.Grant{{Grantee: "arn:aws:iam::111122223333:user/eve", Operations: []string{"Decrypt"}}}}, false},
		{"an explicit deny beats a grant", "", Check{Action: "kms:Decrypt", Resource: key, ResourcePolicy: denyingDecrypt, KMS: true, Grants: []policy.Grant{decryptGrant}}, false},
		{"constraint keys fold case", "", Check{Action: "kms:Decrypt", Resource: key, ResourcePolicy: delegating, KMS: true,
			EncryptionContext: map[string]string{"table": "t"}, Grants: []policy.Grant{constrained}}, true},
		{"constraint values do not", "", Check{Action: "kms:Decrypt", Resource: key, ResourcePolicy: delegating, KMS: true,
			EncryptionContext: map[string]string{"table": "T"}, Grants: []policy.Grant{constrained}}, false},
		{"via service, caller account and context set for the key policy", "dynamodb.us-east-1.amazonaws.com", Check{Action: "kms:Decrypt", Resource: key, ResourcePolicy: viaOnly, KMS: true,
			EncryptionContext: map[string]string{"table": "t"}}, true},
		{"no via service, no match", "", Check{Action: "kms:Decrypt", Resource: key, ResourcePolicy: viaOnly, KMS: true,
			EncryptionContext: map[string]string{"table": "t"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := &api.Request{Service: "kms", Principal: bob, Via: tt.via}
			err := az.RequireFor(context.Background(), req, tt.check)
			if tt.allow != (err == nil) {
				t.Fatalf("allow = %v, err = %v", tt.allow, err)
			}
			var e *api.Error
			if err != nil && (!errors.As(err, &e) || e.Code != "AccessDeniedException") {
				t.Fatalf("err = %v, want AccessDeniedException", err)
			}
			if want := map[bool]string{true: "Allow", false: "Deny"}[tt.allow]; req.Decision != want {
				t.Errorf("decision %q, want %q", req.Decision, want)
			}
		})
	}
}
