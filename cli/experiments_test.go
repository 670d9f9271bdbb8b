package cli

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"kmslab/awsops"
	"kmslab/sim"
	"kmslab/sim/api"
	"kmslab/steps"
)

func TestRunExperimentsSeedIsDeterministic(t *testing.T) {
	t.Parallel() // offline: no ledger, and the package has a state home of its own (TestMain)
	for _, extra := range [][]string{nil, {"--json"}} {
		args := append([]string{"run", "--experiments", "--seed", "1"}, extra...)
		out1, err1, e1 := runSeeded(t, args...)
		out2, _, e2 := runInProcess(t, args...) // a run of its own, to compare
		if e1 != nil || e2 != nil {
			t.Fatalf("kmslab %s: %v / %v\n%s%s", strings.Join(args, " "), e1, e2, out1, err1)
		}
		if out1 != out2 {
			t.Errorf("kmslab %s printed different bytes twice:\n%s", strings.Join(args, " "), firstDiff(out1, out2))
		}
		restored := strings.Count(out1, "✓ restored the end of part 6")
		if extra != nil {
			restored = strings.Count(out1, `"restored":true`)
		}
		if extra == nil && !strings.Contains(out1, "DynamoDB's table key cache: 5m0s") {
			t.Errorf("kmslab %s: the preamble does not name DynamoDB's table key cache", strings.Join(args, " "))
		}
		if restored != len(steps.Experiments()) {
			t.Errorf("kmslab %s: %d experiments restored, want %d\n%s", strings.Join(args, " "), restored, len(steps.Experiments()), out1)
		}
	}
}

// TestExperimentsReportWhatDiffersFromAWS makes the AWS refuse every direct
// kms Decrypt, which real AWS allows in experiment 1: the run must name that
// experiment and what AWS would have done.
func TestExperimentsReportWhatDiffersFromAWS(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	clock := &shiftClock{base: time.Now}
	srv, err := sim.Start(ctx, sim.Options{Clock: clock.Now, Fault: func(service, operation string) *api.Error {
		if service == "kms" && operation == "Decrypt" {
			return api.Errorf(http.StatusBadRequest, "AccessDeniedException", "refused by the test")
		}
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	cfg := aws.Config{Region: srv.Region, BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider(srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey, "")}
	lab, err := awsops.New(cfg, awsops.Options{DisableLedger: true, Sleep: clock.Skip, KeyCacheTTL: sim.DefaultKeyCache,
		WaitTimeout: 200 * time.Millisecond, KMSTimeout: 200 * time.Millisecond, InitialBackoff: 5 * time.Millisecond, MaxBackoff: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	id, err := lab.WhoAmI(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var done []steps.Outcome
	for _, s := range steps.All()[:6] {
		o := s.Run(ctx, lab)
		if !o.Status.Succeeded() {
			t.Fatalf("part %d: %v", s.Part, o.Err)
		}
		done = append(done, o)
	}
	var out bytes.Buffer
	problems := runExperiments(ctx, newReport(&out, steps.KMS(), false, 0), lab, id, done)
	if len(problems) == 0 {
		t.Fatalf("no problem reported:\n%s", out.String())
	}
	if !strings.HasPrefix(problems[0], "experiment 1 (IAM instead of the key policy): kms Decrypt as ") ||
		!strings.Contains(problems[0], "AWS would have allowed it") {
		t.Errorf("first problem %q does not say what differs from AWS", problems[0])
	}
	if !strings.Contains(out.String(), "✗ not as on AWS:") {
		t.Errorf("the report does not flag the experiment:\n%s", out.String())
	}
}
