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
		RunID:          awsops.NewRunID(rand.Reader),
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
		switch s.Part {
		case 1:
			if out.Key == nil || out.Key.State != "Enabled" {
				t.Errorf("part 1 key %+v", out.Key)
			}
		case 2:
			if out.Table == nil || out.Key == nil || out.Table.SSE.KMSKeyARN != out.Key.ARN {
				t.Errorf("part 2 table %+v", out.Table)
			}
		case 3:
			if len(out.Items) != 1 || out.Items[0].Get("name") == "" {
				t.Errorf("part 3 items %+v", out.Items)
			}
		case 4:
			if out.User == nil || out.User.Name != lab.Names().User {
				t.Errorf("part 4 user %+v", out.User)
			}
		case 5:
			if out.Access == nil || out.Access.Denied == nil || out.Access.Denied.Action != "kms:Decrypt" {
				t.Fatalf("part 5 access %+v", out.Access)
			}
			if out.Explanation == nil || out.Explanation.Decision != "implicitDeny" {
				t.Errorf("part 5 explanation %+v", out.Explanation)
			}
			if out.Table == nil || out.Table.Name != lab.Names().Table {
				t.Errorf("part 5: the contrasting describe is missing: %+v", out.Table)
			}
		case 6:
			if out.Change == nil || !out.Change.Changed || out.Access == nil || !out.Access.Allowed() || len(out.Access.Items) != 1 || len(out.Items) != 0 {
				t.Errorf("part 6 change %+v access %+v", out.Change, out.Access)
			}
		case 7:
			if out.Cleanup == nil || !out.Cleanup.OK() || len(out.Cleanup.Resources) != 6 {
				t.Errorf("cleanup %+v", out.Cleanup)
			}
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
	if out.Status != steps.Failed || out.Err == nil || len(out.Items) != 1 {
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
