package sim_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"kmslab/internal/simtest"
	"kmslab/sim"
)

// noRetry is sdkConfig without the SDK's retries, so a test sees every
// throttle the offline AWS answers.
func noRetry(srv *sim.Server, id, secret string) aws.Config {
	cfg := sdkConfig(srv, id, secret)
	cfg.RetryMaxAttempts = 1
	return cfg
}

// throttleTrace calls each service n times and returns, per call, the
// throttle code it got or "".
func throttleTrace(t *testing.T, srv *sim.Server, n int) []string {
	t.Helper()
	ctx := context.Background()
	cfg := noRetry(srv, srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey)
	ic, kc, dc, sc := iam.NewFromConfig(cfg), kms.NewFromConfig(cfg), dynamodb.NewFromConfig(cfg), sts.NewFromConfig(cfg)
	calls := []func() error{
		func() error { _, err := ic.ListUsers(ctx, &iam.ListUsersInput{}); return err },
		func() error { _, err := kc.ListKeys(ctx, &kms.ListKeysInput{}); return err },
		func() error { _, err := dc.ListTables(ctx, &dynamodb.ListTablesInput{}); return err },
		func() error { _, err := sc.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); return err },
	}
	var got []string
	for i := range n {
		err := calls[i%len(calls)]()
		code := ""
		var ae smithy.APIError
		switch {
		case errors.As(err, &ae):
			code = ae.ErrorCode()
		case err != nil:
			t.Fatalf("call %d: %v", i, err)
		}
		got = append(got, code)
	}
	return got
}

// TestRealismThrottles: with realism, calls are now and then throttled in
// each service's own code; the same seed throttles the same calls; without
// realism, none is.
func TestRealismThrottles(t *testing.T) {
	t.Parallel()
	start := time.Now()
	open := func(r *sim.Realism) *sim.Server {
		return startSim(t, sim.Options{Clock: simtest.NewClock(start).Now, Realism: r})
	}
	const n = 200
	a := throttleTrace(t, open(&sim.Realism{Seed: 7, ThrottleRate: 0.25}), n)
	b := throttleTrace(t, open(&sim.Realism{Seed: 7, ThrottleRate: 0.25}), n)
	c := throttleTrace(t, open(&sim.Realism{Seed: 8, ThrottleRate: 0.25}), n)
	off := throttleTrace(t, open(nil), n)
	want := []string{"Throttling", "ThrottlingException", "ThrottlingException", "Throttling"} // iam, kms, dynamodb, sts
	count := 0
	for i, code := range a {
		if code != "" {
			count++
			if code != want[i%len(want)] {
				t.Errorf("call %d answered %s, want %s", i, code, want[i%len(want)])
			}
		}
		if code != b[i] {
			t.Fatalf("seed 7 replayed differently at call %d: %q then %q", i, code, b[i])
		}
		if off[i] != "" {
			t.Fatalf("without realism, call %d was throttled (%s)", i, off[i])
		}
	}
	if count < n/8 || count > n/2 {
		t.Fatalf("%d of %d calls throttled at rate 0.25", count, n)
	}
	same := true
	for i := range a {
		same = same && a[i] == c[i]
	}
	if same {
		t.Fatal("seeds 7 and 8 throttled the same calls")
	}
}
