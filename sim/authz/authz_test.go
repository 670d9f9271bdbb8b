package authz

import (
	"context"
	"errors"
	"testing"
	"time"

	"kmslab/policy"
	"kmslab/sim/api"
)

type fakeIdentities map[string][]policy.Named

func (f fakeIdentities) IdentityPolicies(p *api.Principal) ([]policy.Named, error) {
	return f[p.ARN], nil
}

func mustIdentity(t *testing.T, src string) *policy.Document {
	t.Helper()
	d, err := policy.ParseIdentity([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestRequire(t *testing.T) {
	env := api.NewEnv("111122223333", "us-east-1", func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }, nil)
	alice := &api.Principal{ARN: "arn:aws:iam::111122223333:user/alice", AccountID: "111122223333", UserName: "alice"}
	own := mustIdentity(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::111122223333:user/${aws:username}"},
		{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"kms:CallerAccount":"111122223333"}}}]}`)
	keyPolicy, err := policy.ParseResource([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	az := New(env, fakeIdentities{alice.ARN: {{Name: "own", Doc: own}}})

	tests := []struct {
		name, service string
		check         Check
		code          string
		status        int
		decision      string
	}{
		{"aws:username variable", "iam", Check{Action: "iam:GetUser", Resource: "arn:aws:iam::111122223333:user/alice"}, "", 0, "Allow"},
		{"another user's resource", "iam", Check{Action: "iam:GetUser", Resource: "arn:aws:iam::111122223333:user/bob"}, "AccessDenied", 403, "Deny"},
		{"kms with delegation and CallerAccount", "kms", Check{Action: "kms:Decrypt", Resource: "arn:aws:kms:us-east-1:111122223333:key/k", ResourcePolicy: keyPolicy, KMS: true}, "", 0, "Allow"},
		{"kms action not allowed", "kms", Check{Action: "kms:Encrypt", Resource: "arn:aws:kms:us-east-1:111122223333:key/k", ResourcePolicy: keyPolicy, KMS: true}, "AccessDeniedException", 400, "Deny"},
		{"dynamodb denial code", "dynamodb", Check{Action: "dynamodb:Scan", Resource: "arn:aws:dynamodb:us-east-1:111122223333:table/t"}, "AccessDeniedException", 400, "Deny"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := &api.Request{Service: tt.service, Principal: alice}
			err := az.Require(api.WithRequest(context.Background(), req), tt.check)
			if req.Decision != tt.decision {
				t.Errorf("decision %q, want %q", req.Decision, tt.decision)
			}
			if tt.code == "" {
				if err != nil {
					t.Fatalf("denied: %v", err)
				}
				return
			}
			var e *api.Error
			if !errors.As(err, &e) || e.Code != tt.code || e.Status != tt.status {
				t.Fatalf("err %v, want %d %s", err, tt.status, tt.code)
			}
			if len(req.Resources) != 1 || req.Resources[0] != tt.check.Resource {
				t.Errorf("audit resources %v", req.Resources)
			}
		})
	}
}

func TestAuthorizeWithoutPrincipal(t *testing.T) {
	az := New(api.NewEnv("111122223333", "us-east-1", nil, nil), fakeIdentities{})
	var d *Denied
	if err := az.Authorize(context.Background(), nil, Check{Action: "kms:Decrypt", Resource: "*"}); !errors.As(err, &d) {
		t.Fatalf("nil principal: %v", err)
	}
}
