package steps_test

import (
	"context"
	"crypto/rand"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"kmslab/awsops"
	"kmslab/awsops/ledger"
	"kmslab/internal/simtest"
	"kmslab/sim"
	"kmslab/sim/api"
	"kmslab/steps"
)

// deniedWordings are the messages AWS has been seen to send with
// DynamoDB's AccessDeniedException when KMS refused the table key: part 5's
// verdict must be the same for each, since it comes from the code and from
// what the lab knows, never from the words.
var deniedWordings = []struct{ name, msg string }{
	{"KMS quoted with principal and resource", "KMS key access denied error: com.amazonaws.services.kms.model.AWSKMSException: " +
		"User: arn:aws:iam::111122223333:user/u is not authorized to perform: kms:Decrypt on resource: " +
		"arn:aws:kms:us-east-1:111122223333:key/k because no identity-based policy allows the kms:Decrypt action " +
		"(Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException; Request ID: 0c9f; Proxy: null)"},
	{"ciphertext refers to a key you may not access", "KMS key access denied error: com.amazonaws.services.kms.model.NotFoundException: " +
		"The ciphertext refers to a customer master key that does not exist, does not exist in this region, " +
		"or you are not allowed to access. (Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException)"},
	{"KMS's newer wording without the resource", "User: arn:aws:iam::111122223333:user/u is not authorized to perform: kms:Decrypt " +
		"because no identity-based policy allows the kms:Decrypt action"},
	{"explicit deny", "User: arn:aws:iam::111122223333:user/u is not authorized to perform: kms:Decrypt with an explicit deny in an identity-based policy"},
	{"bare", "Access Denied"},
	{"empty", ""},
}

// TestPart5VerdictForEveryDenialWording runs parts 1 to 4 against the
// offline AWS, then has DynamoDB answer the test user's Scan with each
// wording (same code, AccessDeniedException): part 5 must reach its verdict
// and name kms:Decrypt on the lab's key every time.
func TestPart5VerdictForEveryDenialWording(t *testing.T) {
	t.Parallel()
	for _, w := range deniedWordings {
		t.Run(w.name, func(t *testing.T) {
			t.Parallel()
			var armed atomic.Bool
			clock := &simtest.SkipClock{}
			ctx, cancel := context.WithCancel(context.Background())
			t.Cleanup(cancel)
			srv, err := sim.Start(ctx, sim.Options{Clock: clock.Now, Fault: func(service, op string) *api.Error {
				if armed.Load() && service == "dynamodb" && op == "Scan" {
					return &api.Error{Code: "AccessDeniedException", Message: w.msg, Status: 400, Sender: true}
				}
				return nil
			}})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = srv.Close() })
			cfg := aws.Config{Region: srv.Region, BaseEndpoint: aws.String(srv.URL), HTTPClient: http.DefaultClient,
				Credentials: credentials.NewStaticCredentialsProvider(srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey, "")}
			lab, err := awsops.New(cfg, awsops.Options{RunID: ledger.NewRunID(rand.Reader), DisableLedger: true,
				Clock: clock.Now, Sleep: clock.Sleep, WaitTimeout: 5 * time.Second, InitialBackoff: 5 * time.Millisecond, MaxBackoff: 40 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			all := steps.All()
			for _, s := range all[:4] {
				if out := s.Run(ctx, lab); !out.Status.Succeeded() {
					t.Fatalf("part %d: %v", s.Part, out.Err)
				}
			}
			armed.Store(true)
			part5 := all[4]
			out := part5.Run(ctx, lab)
			if msg := part5.Check(out); msg != "" {
				t.Fatalf("verdict: %s (%v)", msg, out.Err)
			}
			r, ok := out.Result.(steps.ReadDenied)
			if !ok {
				t.Fatalf("result %T", out.Result)
			}
			key, err := lab.DescribeKey(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if r.Denied.Action != "kms:Decrypt" || r.Denied.Resource != key.ARN || (w.msg != "" && r.Denied.Message != w.msg) {
				t.Errorf("denied %+v, want kms:Decrypt on %s with AWS's message kept (the SDK fills in an empty one)", r.Denied, key.ARN)
			}
		})
	}
}
