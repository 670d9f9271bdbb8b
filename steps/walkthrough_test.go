package steps_test

import (
	"context"
	"crypto/rand"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"kmslab/awsops"
	"kmslab/awsops/ledger"
	"kmslab/sim"
	"kmslab/steps"
)

func newLab(t *testing.T, opts sim.Options) *awsops.Lab {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	srv, err := sim.Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	cfg := aws.Config{
		Region:       srv.Region,
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider(srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey, ""),
		HTTPClient:   http.DefaultClient,
	}
	lab, err := awsops.New(cfg, awsops.Options{
		RunID:          ledger.NewRunID(rand.Reader),
		StateDir:       t.TempDir(),
		WaitTimeout:    20 * time.Second,
		InitialBackoff: 5 * time.Millisecond,
		MaxBackoff:     40 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return lab
}

func TestWalkthrough(t *testing.T) {
	lab := newLab(t, sim.Options{KeyPolicyDelay: 200 * time.Millisecond, AccessKeyDelay: 100 * time.Millisecond})
	ctx := context.Background()
	want := []steps.Status{steps.Done, steps.Done, steps.Done, steps.Done, steps.DeniedAsExpected, steps.Done, steps.Done}
	for i, s := range steps.All() {
		out := s.Run(ctx, lab)
		if out.Status != want[i] {
			t.Fatalf("part %d %s: status %v (%v), want %v", s.Part, s.ID, out.Status, out.Err, want[i])
		}
		if out.Summary == "" {
			t.Errorf("part %d: no summary", s.Part)
		}
		switch r := out.Result.(type) {
		case steps.KeyCreated:
			if s.Part != 1 || r.Key.State != "Enabled" {
				t.Errorf("part %d key %+v", s.Part, r.Key)
			}
		case steps.TableEncrypted:
			if s.Part != 2 || r.Key == nil || r.Table.SSE.KMSKeyARN != r.Key.ARN {
				t.Errorf("part %d table %+v", s.Part, r.Table)
			}
		case steps.ItemsRead:
			if s.Part != 3 || len(r.Items) != 1 || r.Items[0].Get("name") == "" {
				t.Errorf("part %d items %+v", s.Part, r.Items)
			}
		case steps.UserCreated:
			if s.Part != 4 || r.User.Name != lab.Names().User {
				t.Errorf("part %d user %+v", s.Part, r.User)
			}
		case steps.ReadDenied:
			if s.Part != 5 || r.Denied.Action != "kms:Decrypt" {
				t.Fatalf("part %d denied %+v", s.Part, r.Denied)
			}
			if r.Explanation == nil || r.Explanation.Decision != "implicitDeny" {
				t.Errorf("part 5 explanation %+v", r.Explanation)
			}
			if r.Table == nil || r.Table.Name != lab.Names().Table {
				t.Errorf("part 5: the contrasting describe is missing: %+v", r.Table)
			}
		case steps.KeyUseGranted:
			if s.Part != 6 || !r.Change.Changed || !r.Access.Allowed() || len(r.Access.Items) != 1 {
				t.Errorf("part %d change %+v access %+v", s.Part, r.Change, r.Access)
			}
		case steps.CleanedUp:
			if !s.IsCleanup() || !r.Report.OK() || len(r.Report.Resources) != 6 {
				t.Errorf("cleanup %+v", r.Report)
			}
		default:
			t.Errorf("part %d: result %T", s.Part, out.Result)
		}
	}
}

func TestPart5FailsWhenNotDenied(t *testing.T) {
	lab := newLab(t, sim.Options{})
	ctx := context.Background()
	all := steps.All()
	for _, i := range []int{0, 1, 2, 3, 5} { // parts 1-4, then 6: the user already has the key
		if out := all[i].Run(ctx, lab); !out.Status.Succeeded() {
			t.Fatalf("part %d: %v", all[i].Part, out.Err)
		}
	}
	out := all[4].Run(ctx, lab)
	if r, ok := out.Result.(steps.ItemsRead); out.Status != steps.Failed || out.Err == nil || !ok || len(r.Items) != 1 {
		t.Fatalf("part 5 after the grant: %v %v", out.Status, out.Err)
	}
	if out := all[6].Run(ctx, lab); out.Status != steps.Done {
		t.Fatalf("cleanup: %v", out.Err)
	}
}

func TestStepsOutOfOrderFailCleanly(t *testing.T) {
	lab := newLab(t, sim.Options{})
	ctx := context.Background()
	all := steps.All()
	// Parts needing the key, the table or the test user refuse to run early.
	for _, i := range []int{1, 2, 4, 5} {
		out := all[i].Run(ctx, lab)
		if out.Status != steps.Failed || out.Err == nil || out.Summary == "" {
			t.Errorf("part %d before its prerequisites: %v", all[i].Part, out.Status)
		}
	}
	if out := all[6].Run(ctx, lab); out.Status != steps.Done {
		t.Fatalf("cleanup of nothing: %v", out.Err)
	}
}
