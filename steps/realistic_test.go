package steps_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"kmslab/awsops"
	"kmslab/awsops/ledger"
	"kmslab/internal/simtest"
	"kmslab/internal/testbin"
	"kmslab/sim"
	"kmslab/steps"
)

// realisticSeeds is how many seeds TestLabPassesRealisticMode walks each
// lab with: the 20 at CI's breadth (testbin.Full), 5 in a local
// run, 3 under -short. A kms seed costs some 3 s of CPU under -race.
func realisticSeeds(t *testing.T) int {
	if testing.Short() {
		t.Log("realistic-mode seeds per lab: 3 (-short)")
		return 3
	}
	return testbin.Breadth(t, "realistic-mode seeds per lab", 20, 5)
}

// TestLabPassesRealisticMode walks both labs whole (every part, every
// experiment, explain, cleanup) against the offline AWS in its realistic
// mode, one seed per subtest: IAM writes that show late, grants late without
// their token, a re-enabled key's table inaccessible for a while, lists
// lagging deletes, each wording of a denial, transient DeleteConflict and
// throttling. Every run must pass with no problem and leave nothing behind.
// The lab and the offline AWS share a skip clock, so the minutes of waiting
// cost CPU, not wall time.
func TestLabPassesRealisticMode(t *testing.T) {
	t.Parallel()
	seeds := int64(realisticSeeds(t))
	for seed := int64(1); seed <= seeds; seed++ {
		for _, course := range steps.Labs() {
			t.Run(fmt.Sprintf("%s/seed=%d", course.ID, seed), func(t *testing.T) {
				t.Parallel()
				walkRealistic(t, course, seed)
			})
		}
	}
}

func walkRealistic(t *testing.T, course steps.Lab, seed int64) {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	clock := &simtest.SkipClock{}
	trail := &auditTrail{}
	srv, err := sim.Start(ctx, sim.Options{Clock: clock.Now, Realism: &sim.Realism{Seed: seed}, AuditSink: trail})
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
	var waits []string
	lab, err := awsops.New(cfg, awsops.Options{
		RunID:          ledger.NewRunID(rand.Reader),
		StateDir:       t.TempDir(),
		Clock:          clock.Now,
		Sleep:          clock.Sleep,
		KeyCacheTTL:    sim.DefaultKeyCache,
		InitialBackoff: 500 * time.Millisecond,
		MaxBackoff:     8 * time.Second,
		Progress: func(p awsops.Progress) {
			if p.Attempt == 1 && p.Limit > 0 {
				waits = append(waits, p.String())
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	after := course.ExperimentsAfter()
	for i, s := range course.Steps {
		out := s.Run(ctx, lab)
		trail.undeclared(t, s.ID, s.Needs)
		if s.Check != nil {
			if why := s.Check(out); why != "" {
				t.Fatalf("seed %d, %s: %s (%v)\nwaits: %s", seed, s.ID, why, out.Err, strings.Join(waits, "; "))
			}
		} else if !out.Status.Succeeded() {
			t.Fatalf("seed %d, %s: %s: %v\nwaits: %s", seed, s.ID, out.Status, out.Err, strings.Join(waits, "; "))
		}
		if i != after {
			continue
		}
		if course.ID == "kms" {
			if _, err := lab.Explain(ctx); err != nil {
				t.Errorf("seed %d, explain: %v", seed, err)
			}
			trail.undeclared(t, "explain", course.Steps[i].Needs)
		}
		for _, x := range course.NumberedExperiments() {
			own := ""
			if x.YourPolicy {
				own = ownPolicy(t, lab)
			}
			res := x.Run(ctx, lab, own)
			for _, p := range res.Problems {
				t.Errorf("seed %d, experiment %s: %s (notes: %v)", seed, x.ID, p, res.Trial.Notes)
			}
			trail.undeclared(t, x.ID, x.Needs)
		}
	}
	// Nothing left once IAM and KMS have caught up with the deletes.
	if err := clock.Sleep(ctx, 10*time.Minute); err != nil {
		t.Fatal(err)
	}
	t.Logf("seed %d waited for: %s", seed, strings.Join(waits, "; "))
	assertNothingLeft(t, ctx, cfg, lab.Names())
}

// assertNothingLeft lists, as the admin, what a run of names could have
// left: users, customer managed policies, tables, aliases, keys not pending
// deletion, and grants on them.
func assertNothingLeft(t *testing.T, ctx context.Context, cfg aws.Config, n ledger.Names) {
	t.Helper()
	ic := iam.NewFromConfig(cfg)
	users, err := ic.ListUsers(ctx, &iam.ListUsersInput{})
	if err != nil {
		t.Fatalf("list users: %v", err)
	}
	for _, u := range users.Users {
		if aws.ToString(u.UserName) != sim.DefaultAdminUser {
			t.Errorf("user left: %s", aws.ToString(u.UserName))
		}
	}
	pols, err := ic.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: "Local"})
	if err != nil {
		t.Fatalf("list policies: %v", err)
	}
	for _, p := range pols.Policies {
		if strings.HasPrefix(aws.ToString(p.PolicyName), n.Prefix) {
			t.Errorf("policy left: %s", aws.ToString(p.PolicyName))
		}
	}
	tables, err := dynamodb.NewFromConfig(cfg).ListTables(ctx, &dynamodb.ListTablesInput{})
	if err != nil {
		t.Fatalf("list tables: %v", err)
	}
	for _, name := range tables.TableNames {
		t.Errorf("table left: %s", name)
	}
	kc := kms.NewFromConfig(cfg)
	aliases, err := kc.ListAliases(ctx, &kms.ListAliasesInput{})
	if err != nil {
		t.Fatalf("list aliases: %v", err)
	}
	for _, a := range aliases.Aliases {
		if strings.HasPrefix(aws.ToString(a.AliasName), "alias/kmslab-") {
			t.Errorf("alias left: %s", aws.ToString(a.AliasName))
		}
	}
	keys, err := kc.ListKeys(ctx, &kms.ListKeysInput{})
	if err != nil {
		t.Fatalf("list keys: %v", err)
	}
	for _, k := range keys.Keys {
		d, err := kc.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: k.KeyId})
		if err != nil {
			t.Fatalf("describe key: %v", err)
		}
		if d.KeyMetadata.KeyManager == kmstypes.KeyManagerTypeCustomer && d.KeyMetadata.KeyState != kmstypes.KeyStatePendingDeletion {
			t.Errorf("key left: %s (%s)", aws.ToString(k.KeyId), d.KeyMetadata.KeyState)
		}
	}
}

// auditTrail keeps the offline AWS's audit events (JSON lines) as they
// come, for checking each step's calls against its declared Needs.
type auditTrail struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (a *auditTrail) Write(p []byte) (int, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.buf.Write(p)
}

// undeclared fails for every action the admin called since the last check
// that needs does not list: Lab.Actions, what the preflight asks about,
// must not miss one. Calls a service made for the admin (DynamoDB's to KMS
// for the table key) and sts:GetCallerIdentity, which needs no permission,
// are left out.
func (a *auditTrail) undeclared(t *testing.T, what string, needs []string) {
	t.Helper()
	a.mu.Lock()
	lines := a.buf.String()
	a.buf.Reset()
	a.mu.Unlock()
	for _, line := range strings.Split(lines, "\n") {
		if line == "" {
			continue
		}
		var ev struct {
			Source   string `json:"eventSource"`
			Name     string `json:"eventName"`
			Identity struct {
				ARN       string `json:"arn"`
				InvokedBy string `json:"invokedBy"`
			} `json:"userIdentity"`
		}
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("audit line %q: %v", line, err)
		}
		if ev.Identity.InvokedBy != "" || !strings.HasSuffix(ev.Identity.ARN, ":user/"+sim.DefaultAdminUser) {
			continue
		}
		actions := []string{strings.TrimSuffix(ev.Source, ".amazonaws.com") + ":" + ev.Name}
		if actions[0] == "kms:ReEncrypt" {
			actions = []string{"kms:ReEncryptFrom", "kms:ReEncryptTo"} // one call, two permissions
		}
		for _, act := range actions {
			if act != "sts:GetCallerIdentity" && !slices.Contains(needs, act) {
				t.Errorf("%s called %s as the admin, which its Needs do not list", what, act)
			}
		}
	}
}
