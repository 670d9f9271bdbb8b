package kms

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"kmslab/internal/simtest"
	"kmslab/policy"
	"kmslab/sim/api"
	"kmslab/sim/audit"
	"kmslab/sim/authz"
)

const (
	acct     = "111122223333"
	region   = "us-east-1"
	adminARN = "arn:aws:iam::111122223333:user/lab-admin"
	userARN  = "arn:aws:iam::111122223333:user/test-user"
	via      = "dynamodb.us-east-1.amazonaws.com"
)

// fakeIAM is the IAM the tests need: identity policies by principal ARN, and
// which principals exist.
type fakeIAM struct {
	policies map[string][]policy.Named
}

func (f *fakeIAM) IdentityPolicies(p *api.Principal) ([]policy.Named, error) {
	return f.policies[p.ARN], nil
}

func (f *fakeIAM) PrincipalExists(arn string) bool {
	_, ok := f.policies[arn]
	return ok
}

func identity(t testing.TB, name, doc string) policy.Named {
	t.Helper()
	d, err := policy.ParseIdentity([]byte(doc))
	if err != nil {
		t.Fatalf("identity policy %s: %v", name, err)
	}
	return policy.Named{Name: name, Doc: d}
}

const (
	adminPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	// The KMS part of AmazonDynamoDBFullAccess.
	ddbFullPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["dynamodb:*","kms:DescribeKey","kms:ListAliases"],"Resource":"*"}]}`
)

// fixture is a KMS with an admin (full access) and a test user (DynamoDB full
// access only), a settable clock and a seeded random source.
type fixture struct {
	t     testing.TB
	now   time.Time
	env   *api.Env
	iam   *fakeIAM
	log   *audit.Log
	svc   *Service
	admin *api.Principal
	user  *api.Principal
}

func newFixture(t testing.TB, opts Options) *fixture {
	f := &fixture{t: t, now: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}
	f.env = api.NewEnv(acct, region, func() time.Time { return f.now }, rand.NewChaCha8([32]byte{1}))
	f.iam = &fakeIAM{policies: map[string][]policy.Named{
		adminARN: {identity(t, "AdministratorAccess", adminPolicy)},
		userARN:  {identity(t, "AmazonDynamoDBFullAccess", ddbFullPolicy)},
	}}
	f.log = audit.New(0)
	f.svc = New(f.env, authz.New(f.env, f.iam), f.iam, f.log, opts)
	f.admin = &api.Principal{ARN: adminARN, AccountID: acct, UserName: "lab-admin", UserID: "AIDAADMIN"}
	f.user = &api.Principal{ARN: userARN, AccountID: acct, UserName: "test-user", UserID: "AIDAUSER"}
	return f
}

// call runs op as p with in marshalled as the JSON body and returns the
// response decoded as generic JSON, plus the request as the router would keep it.
func (f *fixture) call(p *api.Principal, op string, in any) (map[string]any, *api.Request, error) {
	f.t.Helper()
	body, ok := in.([]byte)
	if !ok {
		var err error
		if body, err = json.Marshal(in); err != nil {
			f.t.Fatal(err)
		}
	}
	req := &api.Request{ID: "req", Service: "kms", Operation: op, Principal: p, Region: region, Time: f.now}
	h, found := f.svc.Handlers()[op]
	if !found {
		f.t.Fatalf("no handler for %s", op)
	}
	out, err := h(api.WithRequest(context.Background(), req), body)
	if err != nil {
		return nil, req, err
	}
	raw, merr := json.Marshal(out)
	if merr != nil {
		f.t.Fatalf("%s: marshal output: %v", op, merr)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		f.t.Fatalf("%s: output %s is not an object: %v", op, raw, err)
	}
	return m, req, nil
}

// must is call that fails the test on error.
func (f *fixture) must(p *api.Principal, op string, in any) map[string]any {
	f.t.Helper()
	out, _, err := f.call(p, op, in)
	if err != nil {
		f.t.Fatalf("%s: %v", op, err)
	}
	return out
}

// fails runs op and checks the AWS error code and, when msg is not empty, the message.
func (f *fixture) fails(p *api.Principal, op string, in any, code, msg string) {
	f.t.Helper()
	_, _, err := f.call(p, op, in)
	checkErr(f.t, op, err, code, msg)
}

func checkErr(t testing.TB, what string, err error, code, msg string) {
	t.Helper()
	var ae *api.Error
	if !errors.As(err, &ae) {
		t.Fatalf("%s: got %v, want %s", what, err, code)
	}
	if ae.Code != code {
		t.Fatalf("%s: code %s (%q), want %s", what, ae.Code, ae.Message, code)
	}
	if msg != "" && ae.Message != msg {
		t.Fatalf("%s: message\n got %q\nwant %q", what, ae.Message, msg)
	}
	if ae.Status != 0 && ae.Status >= 500 {
		t.Fatalf("%s: status %d", what, ae.Status)
	}
}

// createKey makes a key as admin with the given policy ("" = default) and returns its metadata.
func (f *fixture) createKey(policyText string) map[string]any {
	f.t.Helper()
	in := map[string]any{"Description": "lab key"}
	if policyText != "" {
		in["Policy"] = policyText
	}
	return f.must(f.admin, "CreateKey", in)["KeyMetadata"].(map[string]any)
}

// consolePolicy is the key policy the console writes with the given key
// administrators and key users.
func consolePolicy(admins, users []string) string {
	return simtest.ConsolePolicy(acct, admins, users)
}

// noRootPolicy names only the given principals: no delegation to IAM.
func noRootPolicy(users ...string) string {
	b, _ := json.Marshal(map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{"Effect": "Allow", "Principal": map[string]any{"AWS": users},
			"Action": "kms:*", "Resource": "*"}},
	})
	return string(b)
}
