package awsops_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"kmslab/awsops"
	"kmslab/awsops/awserr"
	"kmslab/awsops/ledger"
	"kmslab/internal/simtest"
	"kmslab/sim"
	"kmslab/sim/api"
	"kmslab/steps"
)

// labStep is one lab action as the walkthrough performs it.
type labStep struct {
	name string
	run  func(context.Context, *awsops.Lab) (any, error)
}

var labSteps = []labStep{
	{"CreateKey", func(ctx context.Context, l *awsops.Lab) (any, error) { return l.CreateKey(ctx) }},
	{"CreateEncryptedTable", func(ctx context.Context, l *awsops.Lab) (any, error) { return l.CreateEncryptedTable(ctx) }},
	{"PutItem", func(ctx context.Context, l *awsops.Lab) (any, error) { return l.PutItem(ctx) }},
	{"CreateTestUser", func(ctx context.Context, l *awsops.Lab) (any, error) { return l.CreateTestUser(ctx) }},
	{"ScanAsTestUser", func(ctx context.Context, l *awsops.Lab) (any, error) { return l.ScanAsTestUser(ctx) }},
	{"GrantKeyUse", func(ctx context.Context, l *awsops.Lab) (any, error) { return l.GrantKeyUse(ctx) }},
	{"WaitForAccess", func(ctx context.Context, l *awsops.Lab) (any, error) { return l.WaitForAccess(ctx) }},
}

// runLab runs every step, stopping at the first error.
func runLab(ctx context.Context, lab *awsops.Lab) (last any, err error) {
	for _, s := range labSteps {
		last, err = s.run(ctx, lab)
		if err != nil {
			return last, fmt.Errorf("%s: %w", s.name, err)
		}
	}
	return last, nil
}

// progressLog counts progress reports per step.
type progressLog struct {
	mu     sync.Mutex
	byStep map[string][]awsops.Progress
}

func (p *progressLog) add(pr awsops.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.byStep == nil {
		p.byStep = map[string][]awsops.Progress{}
	}
	p.byStep[pr.Step] = append(p.byStep[pr.Step], pr)
}

func (p *progressLog) get(step string) []awsops.Progress {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]awsops.Progress(nil), p.byStep[step]...)
}

func TestPropagationDelaysConverge(t *testing.T) {
	e := startSim(t, sim.Options{AccessKeyDelay: 300 * time.Millisecond, KeyPolicyDelay: 300 * time.Millisecond})
	log := &progressLog{}
	lab := e.newLab(t, log.add)
	last, err := runLab(context.Background(), lab)
	if err != nil {
		t.Fatal(err)
	}
	if a := last.(awsops.Access); !a.Allowed() || len(a.Items) != 1 {
		t.Fatalf("final access %+v", a)
	}
	for _, step := range []string{"CreateTestUser", "WaitForAccess"} {
		ps := log.get(step)
		if len(ps) == 0 {
			t.Fatalf("%s converged without reporting a single wait: the delay was not exercised", step)
		}
		for i, p := range ps {
			if p.Attempt != i+1 || !strings.HasPrefix(p.Message, "waiting for ") || !strings.Contains(p.String(), " s, up to ") || p.Limit <= 0 {
				t.Errorf("%s progress %d = %+v (%s)", step, i, p, p)
			}
		}
	}
	if _, err := lab.Cleanup(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.assertEmpty(t)
}

func TestWaitForAccessGivesUpAtDeadline(t *testing.T) {
	e := startSim(t, sim.Options{KeyPolicyDelay: time.Hour})
	opts := e.opts(nil)
	opts.WaitTimeout = 150 * time.Millisecond
	opts.KMSTimeout = 150 * time.Millisecond
	lab, err := awsops.New(e.cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	last, err := runLab(ctx, lab)
	var ae *awserr.Error
	if !errors.As(err, &ae) || !strings.Contains(err.Error(), "gave up waiting") {
		t.Fatalf("err = %v, want a lab error saying it gave up", err)
	}
	if a := last.(awsops.Access); a.Allowed() || a.Denied.Action != "kms:Decrypt" {
		t.Fatalf("last access %+v, want the denial", a)
	}
	if _, err := lab.Cleanup(ctx); err != nil {
		t.Fatal(err)
	}
	e.assertEmpty(t)
}

// throttler fails the first n calls of each listed operation with AWS's
// throttling error, which the SDK's retryer must absorb.
type throttler struct {
	mu    sync.Mutex
	n     int
	ops   map[string]bool
	calls map[string]int
}

func (th *throttler) fault(service, op string) *api.Error {
	th.mu.Lock()
	defer th.mu.Unlock()
	if !th.ops[op] || th.calls[op] >= th.n {
		return nil
	}
	th.calls[op]++
	code := "ThrottlingException"
	if service == "iam" || service == "sts" {
		code = "Throttling"
	}
	return &api.Error{Code: code, Message: "Rate exceeded", Status: 400, Sender: true}
}

func TestThrottlingConvergesThroughSDKRetries(t *testing.T) {
	th := &throttler{n: 2, calls: map[string]int{}, ops: map[string]bool{
		"GetCallerIdentity": true, "CreateKey": true, "CreateTable": true, "DescribeTable": true, "PutItem": true,
		"CreateUser": true, "CreateAccessKey": true, "Scan": true, "PutKeyPolicy": true, "ScheduleKeyDeletion": true,
	}}
	e := startSim(t, sim.Options{Fault: th.fault})
	lab := e.newLab(t, nil)
	ctx := context.Background()
	if _, err := runLab(ctx, lab); err != nil {
		t.Fatal(err)
	}
	if r, err := lab.Cleanup(ctx); err != nil || !r.OK() {
		t.Fatalf("cleanup %+v, %v", r, err)
	}
	for op := range th.ops {
		if th.calls[op] != th.n {
			t.Errorf("%s was throttled %d times, want %d", op, th.calls[op], th.n)
		}
	}
	e.assertEmpty(t)
}

func TestPersistentThrottlingIsExplained(t *testing.T) {
	th := &throttler{n: 1000, calls: map[string]int{}, ops: map[string]bool{"CreateKey": true}}
	e := startSim(t, sim.Options{Fault: th.fault})
	lab := e.newLab(t, nil)
	_, err := lab.CreateKey(context.Background())
	var ae *awserr.Error
	if !errors.As(err, &ae) || ae.Code != "ThrottlingException" || !strings.Contains(ae.Hint, "throttling") {
		t.Fatalf("err = %v", err)
	}
	if th.calls["CreateKey"] < 2 {
		t.Errorf("the SDK did not retry: %d calls", th.calls["CreateKey"])
	}
	// What was planned is in the ledger, so cleanup can still run.
	if _, err := lab.Cleanup(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// cleanLeftovers plays a fresh `kmslab cleanup`: list, then remove.
func cleanLeftovers(t *testing.T, e *env) ledger.CleanupReport {
	t.Helper()
	ctx := context.Background()
	left, err := ledger.Leftovers(ctx, e.cfg, e.stateDir)
	if err != nil {
		t.Fatalf("Leftovers: %v", err)
	}
	var heard []ledger.Fate
	report, err := awsops.CleanupLeftovers(ctx, e.cfg, e.stateDir, left, func(f ledger.Fate) { heard = append(heard, f) })
	if err != nil {
		t.Fatalf("CleanupLeftovers: %v\nleftovers: %+v\nreport: %+v", err, left, report)
	}
	if len(heard) != len(report.Resources) {
		t.Errorf("progress heard %d fates, report has %d", len(heard), len(report.Resources))
	}
	return report
}

func TestInterruptedBetweenSteps(t *testing.T) {
	for k := 0; k <= len(labSteps); k++ {
		name := "before the first step"
		if k > 0 {
			name = "after " + labSteps[k-1].name
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := startSim(t, sim.Options{})
			lab := e.newLab(t, nil)
			ctx, cancel := context.WithCancel(context.Background())
			for _, s := range labSteps[:k] {
				if _, err := s.run(ctx, lab); err != nil {
					t.Fatalf("%s: %v", s.name, err)
				}
			}
			cancel() // Ctrl-C
			if k < len(labSteps) {
				_, err := labSteps[k].run(ctx, lab)
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("%s after cancel: err = %v, want context.Canceled", labSteps[k].name, err)
				}
				if !strings.Contains(err.Error(), "kmslab cleanup") {
					t.Errorf("interrupted error does not say what to do next: %v", err)
				}
			}
			// A new process, knowing only the state directory, finishes the job.
			cleanLeftovers(t, e)
			e.assertEmpty(t)
			assertNoLedgers(t, e.stateDir)
		})
	}
}

func TestInterruptedMidCall(t *testing.T) {
	// Each operation reaches AWS and completes there, but the lab never hears
	// the answer: the ledger written before the call is all cleanup has.
	for _, op := range []string{
		"CreateKey", "CreateAlias", "CreateTable", "DescribeTable", "PutItem", "CreateUser",
		"AttachUserPolicy", "CreateAccessKey", "Scan", "GetKeyPolicy", "PutKeyPolicy",
	} {
		t.Run(op, func(t *testing.T) {
			t.Parallel()
			e := startSim(t, sim.Options{})
			lab := e.newLab(t, nil)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			e.tap.setCut(op, cancel)
			_, err := runLab(ctx, lab)
			if !e.tap.fired() {
				t.Fatalf("%s was never called", op)
			}
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want context.Canceled", err)
			}
			cleanLeftovers(t, e)
			e.assertEmpty(t)
			assertNoLedgers(t, e.stateDir)
		})
	}
}

func TestLeftoversFromTagsAlone(t *testing.T) {
	e := startSim(t, sim.Options{})
	opts := e.opts(nil)
	opts.DisableLedger = true
	lab, err := awsops.New(e.cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, s := range labSteps[:4] {
		if _, err := s.run(ctx, lab); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
	}
	if entries, _ := os.ReadDir(e.stateDir); len(entries) != 0 {
		t.Fatalf("a disabled ledger wrote %d entries", len(entries))
	}
	left, err := ledger.Leftovers(ctx, e.cfg, e.stateDir)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, lo := range left {
		if lo.RunID != lab.Names().RunID || lo.Source != "tags" {
			t.Errorf("leftover %+v", lo)
		}
		kinds[lo.Kind]++
	}
	for _, k := range []string{ledger.KindAccessKey, ledger.KindPolicy, ledger.KindUser, ledger.KindTable, ledger.KindAlias, ledger.KindKey} {
		if kinds[k] != 1 {
			t.Errorf("%d leftover(s) of kind %s, want 1: %+v", kinds[k], k, left)
		}
	}
	cleanLeftovers(t, e)
	e.assertEmpty(t)
}

func TestCleanupNeverTouchesOthers(t *testing.T) {
	e := startSim(t, sim.Options{})
	ctx := context.Background()
	ic, dc, kc := iam.NewFromConfig(e.cfg), dynamodb.NewFromConfig(e.cfg), kms.NewFromConfig(e.cfg)
	// Look-alikes without the run tag, and a key tagged for another purpose.
	if _, err := ic.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("kmslab-user-zzz111")}); err != nil {
		t.Fatal(err)
	}
	if _, err := dc.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("kmslab-zzz111"),
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: ddbtypes.KeyTypeHash}},
		BillingMode:          ddbtypes.BillingModePayPerRequest,
	}); err != nil {
		t.Fatal(err)
	}
	k, err := kc.CreateKey(ctx, &kms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kc.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String("alias/kmslab-zzz111"), TargetKeyId: k.KeyMetadata.KeyId}); err != nil {
		t.Fatal(err)
	}

	// A real run alongside, and a hand-edited ledger claiming the look-alike user.
	lab := e.newLab(t, nil)
	if _, err := lab.CreateKey(ctx); err != nil {
		t.Fatal(err)
	}
	forged := `{"version":1,"run_id":"abc","created":"2026-01-01T00:00:00Z","resources":[` +
		`{"kind":"iam user","name":"kmslab-user-zzz111","state":"created","updated":"2026-01-01T00:00:00Z"},` +
		`{"kind":"dynamodb table","name":"kmslab-zzz111","state":"created","updated":"2026-01-01T00:00:00Z"}]}`
	if err := os.WriteFile(e.stateDir+"/runs/abc.json", []byte(forged), 0o600); err != nil {
		t.Fatal(err)
	}

	left, err := ledger.Leftovers(ctx, e.cfg, e.stateDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, lo := range left {
		if lo.RunID != "abc" && lo.RunID != lab.Names().RunID {
			t.Errorf("untagged look-alike listed: %+v", lo)
		}
	}
	report, err := awsops.CleanupLeftovers(ctx, e.cfg, e.stateDir, left, nil)
	if err == nil {
		t.Fatal("cleanup of a forged ledger reported no refusal")
	}
	skipped := 0
	for _, f := range report.Resources {
		if strings.HasPrefix(f.Outcome, "skipped") {
			skipped++
		}
	}
	if skipped != 2 {
		t.Errorf("%d refusals, want 2 (user and table): %+v", skipped, report)
	}
	if _, err := ic.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("kmslab-user-zzz111")}); err != nil {
		t.Errorf("the look-alike user was removed: %v", err)
	}
	if _, err := dc.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("kmslab-zzz111")}); err != nil {
		t.Errorf("the look-alike table was removed: %v", err)
	}
	if d, err := kc.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("alias/kmslab-zzz111")}); err != nil || d.KeyMetadata.KeyState != "Enabled" {
		t.Errorf("the untagged key or its alias was touched: %v", err)
	}
	// The real run's key was cleaned.
	if d, err := kc.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(lab.Ledger().Resources[0].Name)}); err != nil || d.KeyMetadata.KeyState != "PendingDeletion" {
		t.Errorf("the run's own key: %v %+v", err, d)
	}
}

func TestCleanupWhenAlreadyGone(t *testing.T) {
	e := startSim(t, sim.Options{})
	lab := e.newLab(t, nil)
	ctx := context.Background()
	for _, s := range labSteps[:4] {
		if _, err := s.run(ctx, lab); err != nil {
			t.Fatal(err)
		}
	}
	// Someone removed the table and the alias by hand.
	if _, err := dynamodb.NewFromConfig(e.cfg).DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(lab.Names().Table)}); err != nil {
		t.Fatal(err)
	}
	if _, err := kms.NewFromConfig(e.cfg).DeleteAlias(ctx, &kms.DeleteAliasInput{AliasName: aws.String(lab.Names().Alias)}); err != nil {
		t.Fatal(err)
	}
	report, err := lab.Cleanup(ctx)
	if err != nil {
		t.Fatal(err)
	}
	gone := map[string]bool{}
	for _, f := range report.Resources {
		if f.Outcome == ledger.OutcomeGone {
			gone[f.Kind] = true
		}
	}
	if !gone[ledger.KindTable] || !gone[ledger.KindAlias] || len(gone) != 2 {
		t.Errorf("report %+v", report)
	}
	e.assertEmpty(t)
	assertNoLedgers(t, e.stateDir)
}

func TestPreflightListsMissingPermissions(t *testing.T) {
	e := startSim(t, sim.Options{})
	ctx := context.Background()
	ic := iam.NewFromConfig(e.cfg)
	_, key := simtest.CreateUser(ctx, t, ic, simtest.User{Name: "limited", Managed: []string{"AmazonDynamoDBFullAccess"},
		Inline: map[string]string{"simulate": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:SimulatePrincipalPolicy","iam:GetUser"],"Resource":"*"}]}`}})
	cfg := e.cfg.Copy()
	cfg.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(key.AccessKeyId), aws.ToString(key.SecretAccessKey), "")
	opts := e.opts(nil)
	lab, err := awsops.New(cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	pre, err := lab.Preflight(ctx, steps.KMS().Actions())
	if err != nil {
		t.Fatal(err)
	}
	missing := pre.Missing
	has := map[string]bool{}
	for _, a := range missing {
		has[a] = true
	}
	// kms:PutKeyPolicy and kms:ScheduleKeyDeletion on the lab's own key are
	// the key policy's to grant: the lab names the admin in it.
	for _, want := range []string{"kms:CreateKey", "kms:CreateAlias", "iam:CreateUser", "iam:CreateAccessKey", "iam:CreatePolicy", "iam:PutUserPolicy"} {
		if !has[want] {
			t.Errorf("%s not reported missing: %v", want, missing)
		}
	}
	for _, allowed := range []string{"dynamodb:CreateTable", "dynamodb:Scan", "dynamodb:DeleteItem", "kms:DescribeKey", "kms:ListAliases", "iam:SimulatePrincipalPolicy", "iam:GetUser",
		"kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:Decrypt"} {
		if has[allowed] {
			t.Errorf("%s reported missing although allowed", allowed)
		}
	}

	// Without even the simulator nothing can be decided: a warning, and the
	// lab goes on (a refused step says what it lacked).
	if _, err := ic.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: aws.String("limited"), PolicyName: aws.String("simulate")}); err != nil {
		t.Fatal(err)
	}
	lab2, _ := awsops.New(cfg, opts)
	pre, err = lab2.Preflight(ctx, steps.KMS().Actions())
	if err != nil || len(pre.Missing) != 0 || len(pre.Warnings) != 1 || !strings.Contains(pre.Warnings[0], "iam:SimulatePrincipalPolicy") {
		t.Fatalf("without the simulator: %+v, %v", pre, err)
	}
}

func TestCredentialProblemsAreOneSentence(t *testing.T) {
	e := startSim(t, sim.Options{})
	for name, creds := range map[string]aws.CredentialsProvider{
		"no credentials": nil,
		"unknown key":    credentials.NewStaticCredentialsProvider("AKIAUNKNOWNUNKNOWN00", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""),
		"failing chain": aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{}, errors.New("no EC2 IMDS role found")
		}),
	} {
		t.Run(name, func(t *testing.T) {
			cfg := e.cfg.Copy()
			cfg.Credentials = creds
			lab, err := awsops.New(cfg, e.opts(nil))
			if err != nil {
				t.Fatal(err)
			}
			_, err = lab.WhoAmI(context.Background())
			sentence, ok := awserr.CredentialsProblem(err)
			if !ok {
				t.Fatalf("not recognised as a credentials problem: %v", err)
			}
			if strings.Contains(err.Error(), "wJalrXUtnFEMI") {
				t.Fatalf("secret in error: %v", err)
			}
			if !strings.Contains(err.Error(), strings.TrimSuffix(sentence, ".")) || strings.Count(sentence, ". ") != 0 {
				t.Errorf("error %q / sentence %q", err, sentence)
			}
		})
	}
}
