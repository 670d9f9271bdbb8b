package sim_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/smithy-go"

	"kmslab/internal/simtest"
	"kmslab/sim"
)

// realismTrace drives one scripted session against an offline AWS with
// realism r and writes down everything realism chose: each throttle, how many
// one-second polls each change took to show, and each denial's wording.
func realismTrace(t *testing.T, r *sim.Realism) []string {
	t.Helper()
	ctx := context.Background()
	start := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	clock := simtest.NewClock(start)
	srv := startSim(t, sim.Options{Clock: clock.Now, Realism: r, Rand: seeded(1)})
	cfg := noRetry(srv, srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey)
	adminIAM, adminKMS := iam.NewFromConfig(cfg), kms.NewFromConfig(cfg)
	var trace []string
	// call retries err while it is a throttle, noting each in the trace.
	call := func(what string, f func() error) error {
		for {
			err := f()
			var ae smithy.APIError
			if errors.As(err, &ae) && (ae.ErrorCode() == "Throttling" || ae.ErrorCode() == "ThrottlingException") {
				trace = append(trace, "throttled "+what)
				continue
			}
			return err
		}
	}
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	// poll counts the seconds until f succeeds.
	poll := func(what string, f func() error) {
		t.Helper()
		for i := range 600 {
			if call(what, f) == nil {
				trace = append(trace, fmt.Sprintf("%s after %d s", what, i))
				return
			}
			clock.Advance(time.Second)
		}
		t.Fatalf("%s never happened", what)
	}
	user := aws.String("replay-user")
	must("CreateUser", call("CreateUser", func() error { _, err := adminIAM.CreateUser(ctx, &iam.CreateUserInput{UserName: user}); return err }))
	poll("user visible", func() error { _, err := adminIAM.GetUser(ctx, &iam.GetUserInput{UserName: user}); return err })
	var key *iam.CreateAccessKeyOutput
	must("CreateAccessKey", call("CreateAccessKey", func() (err error) {
		key, err = adminIAM.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: user})
		return err
	}))
	var created *kms.CreateKeyOutput
	must("CreateKey", call("CreateKey", func() (err error) {
		created, err = adminKMS.CreateKey(ctx, &kms.CreateKeyInput{Policy: aws.String(consolePolicy(srv.AccountID, srv.AdminARN, srv.AdminARN))})
		return err
	}))
	var enc *kms.EncryptOutput
	must("Encrypt", call("Encrypt", func() (err error) {
		enc, err = adminKMS.Encrypt(ctx, &kms.EncryptInput{KeyId: created.KeyMetadata.KeyId, Plaintext: []byte("x")})
		return err
	}))
	userKMS := kms.NewFromConfig(noRetry(srv, *key.AccessKey.AccessKeyId, *key.AccessKey.SecretAccessKey))
	decrypt := func() error {
		_, err := userKMS.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob})
		return err
	}
	poll("access key usable", func() error {
		var ae smithy.APIError
		if err := decrypt(); errors.As(err, &ae) && ae.ErrorCode() == "AccessDeniedException" {
			return nil // signed in, and refused by the key policy
		} else if err == nil {
			return errors.New("decrypt allowed")
		} else {
			return err
		}
	})
	for i := range 8 {
		var ae smithy.APIError
		if err := call("Decrypt", decrypt); errors.As(err, &ae) {
			trace = append(trace, fmt.Sprintf("denial %d: %s", i, ae.ErrorMessage()))
		}
	}
	must("CreateGrant", call("CreateGrant", func() error {
		_, err := adminKMS.CreateGrant(ctx, &kms.CreateGrantInput{KeyId: created.KeyMetadata.KeyId, GranteePrincipal: aws.String("arn:aws:iam::" + srv.AccountID + ":user/replay-user"), Operations: []kmstypes.GrantOperation{kmstypes.GrantOperationDecrypt}})
		return err
	}))
	poll("grant in effect", decrypt)
	return trace
}

// TestRealismReplays: the same seed replays the same session exactly, a
// different seed does not.
func TestRealismReplays(t *testing.T) {
	t.Parallel()
	opts := func(seed int64) *sim.Realism { return &sim.Realism{Seed: seed, ThrottleRate: 0.2} }
	a, b := realismTrace(t, opts(42)), realismTrace(t, opts(42))
	c, d := realismTrace(t, opts(43)), realismTrace(t, opts(43))
	if !slices.Equal(a, b) {
		t.Fatalf("seed 42 did not replay:\n%q\n%q", a, b)
	}
	if !slices.Equal(c, d) {
		t.Fatalf("seed 43 did not replay:\n%q\n%q", c, d)
	}
	if slices.Equal(a, c) {
		t.Fatalf("seeds 42 and 43 gave the same session:\n%q", a)
	}
	if len(a) < 11 {
		t.Fatalf("trace too short to tell seeds apart: %q", a)
	}
	t.Logf("seed 42: %q", a)
}

// seeded is a fixed random stream, so two servers hand out the same ids and
// their denials name the same key.
func seeded(n byte) *rand.ChaCha8 { return rand.NewChaCha8([32]byte{n}) }
