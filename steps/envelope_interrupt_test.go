package steps_test

import (
	"context"
	"crypto/rand"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"kmslab/awsops"
	"kmslab/awsops/ledger"
	"kmslab/sim"
	"kmslab/steps"
)

// An envelope run interrupted inside its re-encryption experiment, after
// the second key was created and before the restore, is cleaned up from
// its ledger alone, as `kmslab cleanup` does in a later process: both keys
// scheduled for deletion, the table, user and alias gone, no ledger left.
func TestEnvelopeInterruptedRunCleanedUpFromLedger(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, err := sim.Start(ctx, sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	cfg := aws.Config{
		Region: srv.Region, BaseEndpoint: aws.String(srv.URL), HTTPClient: http.DefaultClient,
		Credentials: credentials.NewStaticCredentialsProvider(srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey, ""),
	}
	dir := t.TempDir()
	lab, err := awsops.New(cfg, awsops.Options{RunID: ledger.NewRunID(rand.Reader), StateDir: dir,
		WaitTimeout: 5 * time.Second, InitialBackoff: 5 * time.Millisecond, MaxBackoff: 40 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	course := steps.Envelope()
	for _, s := range course.Steps[:course.ExperimentsAfter()+1] {
		if o := s.Run(ctx, lab); !o.Status.Succeeded() {
			t.Fatalf("%s: %v", s.ID, o.Err)
		}
	}
	ictx, interrupt := context.WithCancel(ctx)
	var second string
	_, err = lab.RunExperiment(ictx, "env-reencrypt", nil, func(ctx context.Context, e *awsops.Experiment) error {
		var err error
		second, err = e.CreateSecondKey(ctx)
		interrupt() // Ctrl-C, before anything is restored
		return err
	})
	if err == nil || second == "" {
		t.Fatalf("interrupted experiment: err %v, second key %q", err, second)
	}

	left, err := ledger.Leftovers(ctx, cfg, dir)
	if err != nil {
		t.Fatal(err)
	}
	keys := 0
	for _, l := range left {
		if l.Kind == ledger.KindKey {
			keys++
		}
	}
	if keys != 2 {
		t.Fatalf("leftovers name %d keys, want the lab's and the experiment's: %+v", keys, left)
	}
	rep, err := awsops.CleanupLeftovers(ctx, cfg, dir, left, nil)
	if err != nil || !rep.OK() {
		t.Fatalf("cleanup: %v %+v", err, rep)
	}
	c := kms.NewFromConfig(cfg)
	for _, k := range []string{second, lab.Names().Alias} {
		if k == lab.Names().Alias {
			if _, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(k)}); err == nil {
				t.Errorf("alias %s still exists", k)
			}
			continue
		}
		d, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(k)})
		if err != nil || d.KeyMetadata.KeyState != "PendingDeletion" {
			t.Errorf("second key %s: %v %v", k, err, d)
		}
	}
	if again, err := ledger.Leftovers(ctx, cfg, dir); err != nil || len(again) != 0 {
		t.Errorf("left after cleanup: %v %+v", err, again)
	}
}
