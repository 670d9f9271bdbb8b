package iam

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/url"
	"testing"
	"time"

	"kmslab/internal/simtest"
	"kmslab/sim/api"
	"kmslab/sim/authz"
)

const testAccount = "111122223333"

// seeded is a deterministic byte source for ids.
type seeded struct{ r *rand.ChaCha8 }

func (s seeded) Read(b []byte) (int, error) { return s.r.Read(b) }

type fixture struct {
	t     *testing.T
	svc   *Service
	clock *simtest.Clock
	admin *api.Principal
}

func newFixture(t *testing.T, opts Options) *fixture {
	t.Helper()
	clock := simtest.NewClock(time.Date(2026, 11, 22, 16, 21, 50, 0, time.UTC))
	env := api.NewEnv(testAccount, "us-east-1", clock.Now, seeded{rand.NewChaCha8([32]byte{1})})
	svc := New(env, opts)
	svc.SetAuthorizer(authz.New(env, svc))
	admin, err := svc.Bootstrap("lab-admin", "AKIAADMINADMINADMIN1", "adminsecret")
	if err != nil {
		t.Fatalf("Bootstrap: %v", err)
	}
	return &fixture{t: t, svc: svc, clock: clock, admin: admin}
}

// call runs op as p with the given parameters (name, value pairs).
func (f *fixture) call(p *api.Principal, op string, kv ...string) (any, error) {
	f.t.Helper()
	form := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		form.Add(kv[i], kv[i+1])
	}
	h, ok := f.svc.Handlers()[op]
	if !ok {
		f.t.Fatalf("no handler for %s", op)
	}
	ctx := api.WithRequest(context.Background(), &api.Request{Service: "iam", Operation: op, Principal: p})
	return h(ctx, form)
}

// ok runs op as the admin and fails the test on error.
func (f *fixture) ok(op string, kv ...string) any {
	f.t.Helper()
	out, err := f.call(f.admin, op, kv...)
	if err != nil {
		f.t.Fatalf("%s %v: %v", op, kv, err)
	}
	return out
}

// fails runs op as the admin and checks the AWS error it returns.
func (f *fixture) fails(op string, code string, status int, msg string, kv ...string) {
	f.t.Helper()
	_, err := f.call(f.admin, op, kv...)
	expectErr(f.t, err, code, status, msg)
}

func expectErr(t *testing.T, err error, code string, status int, msg string) {
	t.Helper()
	var ae *api.Error
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v, want %s", err, code)
	}
	if ae.Code != code || ae.Status != status || (msg != "" && ae.Message != msg) {
		t.Fatalf("err = %s %d %q,\nwant %s %d %q", ae.Code, ae.Status, ae.Message, code, status, msg)
	}
}

// userPrincipal creates a user with the given managed policies and returns it as a caller.
func (f *fixture) userPrincipal(name string, policies ...string) *api.Principal {
	f.t.Helper()
	f.ok("CreateUser", "UserName", name)
	for _, p := range policies {
		f.ok("AttachUserPolicy", "UserName", name, "PolicyArn", "arn:aws:iam::aws:policy/"+p)
	}
	out := f.ok("CreateAccessKey", "UserName", name).(createAccessKeyResult)
	f.clock.Advance(f.svc.opts.AccessKeyDelay)
	_, p, ok := f.svc.LookupAccessKey(out.AccessKey.AccessKeyID)
	if !ok {
		f.t.Fatalf("new key of %s unusable", name)
	}
	return p
}
