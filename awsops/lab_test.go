package awsops_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"kmslab/awsops"
	"kmslab/awsops/explain"
	"kmslab/awsops/ledger"
	"kmslab/policy"
	"kmslab/sim"
	"kmslab/steps"
)

// leakWatch collects every text a user or log could see, to prove that no
// secret access key is among them.
type leakWatch struct {
	mu    sync.Mutex
	texts []string
}

func (w *leakWatch) add(format string, args ...any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.texts = append(w.texts, fmt.Sprintf(format, args...))
}

func (w *leakWatch) progress(p awsops.Progress) { w.add("%+v %s", p, p) }

func (w *leakWatch) addFiles(t *testing.T, dir string) {
	t.Helper()
	_ = filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			b, rerr := os.ReadFile(path)
			if rerr != nil {
				t.Fatal(rerr)
			}
			w.add("%s", b)
		}
		return nil
	})
}

func (w *leakWatch) check(t *testing.T, secrets ...string) {
	t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, s := range secrets {
		if s == "" {
			t.Fatal("empty secret: the test did not learn it")
		}
		for _, text := range w.texts {
			if strings.Contains(text, s) {
				t.Fatalf("secret %q… leaked in %q", s[:4], text)
			}
		}
	}
}

func TestWholeLab(t *testing.T) {
	e := startSim(t, sim.Options{})
	watch := &leakWatch{}
	lab := e.newLab(t, watch.progress)
	ctx := context.Background()
	n := lab.Names()
	step := func(name string, v any, err error) {
		t.Helper()
		watch.add("%+v %#v %v", v, v, err)
		watch.addFiles(t, e.stateDir)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}

	id, err := lab.WhoAmI(ctx)
	step("WhoAmI", id, err)
	if id.Account != e.srv.AccountID || id.ARN != e.srv.AdminARN || id.Region != e.srv.Region {
		t.Fatalf("identity %+v", id)
	}

	key, err := lab.CreateKey(ctx)
	step("CreateKey", key, err)
	if key.Alias != n.Alias || key.State != "Enabled" || key.Spec != "SYMMETRIC_DEFAULT" || key.Usage != "ENCRYPT_DECRYPT" || key.Manager != "CUSTOMER" || key.Created.IsZero() {
		t.Fatalf("key %+v", key)
	}
	if !strings.Contains(key.Policy, "Allow use of the key") || !strings.Contains(key.Policy, e.srv.AdminARN) {
		t.Fatalf("key policy does not name the admin as key user:\n%s", key.Policy)
	}
	if again, err := lab.CreateKey(ctx); err != nil || again.ID != key.ID {
		t.Fatalf("CreateKey again = %s, %v; want the same key %s", again.ID, err, key.ID)
	}
	if l := lab.Ledger(); len(l.Pending()) != 2 || l.Account != e.srv.AccountID {
		t.Fatalf("ledger after part 1: %+v", l)
	}

	table, err := lab.CreateEncryptedTable(ctx)
	step("CreateEncryptedTable", table, err)
	if table.Name != n.Table || table.Status != "ACTIVE" || table.SSE.Status != "ENABLED" || table.SSE.Type != "KMS" || table.SSE.KMSKeyARN != key.ARN {
		t.Fatalf("table %+v, key %s", table, key.ARN)
	}
	if table.KeySchema != "id (S, HASH)" {
		t.Errorf("key schema %q", table.KeySchema)
	}
	desc, err := lab.DescribeTableEncryption(ctx)
	step("DescribeTableEncryption", desc, err)
	if desc.SSE != table.SSE {
		t.Errorf("describe %+v != create %+v", desc.SSE, table.SSE)
	}

	item, err := lab.PutItem(ctx)
	step("PutItem", item, err)
	items, err := lab.ScanAsAdmin(ctx)
	step("ScanAsAdmin", items, err)
	if len(items) != 1 || fmt.Sprint(items[0]) != fmt.Sprint(item) {
		t.Fatalf("admin scan = %v, want [%v]", items, item)
	}

	user, err := lab.CreateTestUser(ctx)
	step("CreateTestUser", user, err)
	if user.Name != n.User || !strings.HasSuffix(user.ARN, ":user/"+n.User) || !strings.HasPrefix(user.AccessKeyID, "AKIA") ||
		len(user.Policies) != 1 || !strings.HasSuffix(user.Policies[0], "/AmazonDynamoDBFullAccess") {
		t.Fatalf("user %+v", user)
	}

	access, err := lab.ScanAsTestUser(ctx)
	step("ScanAsTestUser", access, err)
	if access.Allowed() {
		t.Fatalf("the test user read the table before being granted the key: %+v", access)
	}
	d := access.Denied
	if d.Code != "AccessDeniedException" || d.Action != "kms:Decrypt" || d.Resource != key.ARN || d.Principal != user.ARN || d.Operation != "Scan" {
		t.Fatalf("denied %+v", d)
	}
	tu, err := lab.DescribeTableAsTestUser(ctx)
	step("DescribeTableAsTestUser", tu, err)
	if tu.SSE.KMSKeyARN != key.ARN {
		t.Errorf("test user's describe: %+v", tu)
	}

	ex, err := lab.Explain(ctx)
	step("Explain", ex, err)
	if ex.Decision != "implicitDeny" || ex.Action != "kms:Decrypt" || ex.Resource != key.ARN || ex.Summary == "" {
		t.Fatalf("explanation %+v", ex)
	}
	// The lab's denial, traced from the real documents: the key policy's root
	// statement hands the decision to IAM, where nothing allows.
	if tr := ex.Trace; tr == nil || tr.Verdict() != "AccessDenied" || tr.Reason != policy.NoIdentityAllow || tr.Disagreement != "" {
		t.Fatalf("trace %+v (error %q)", tr, ex.TraceError)
	}

	change, err := lab.GrantKeyUse(ctx)
	step("GrantKeyUse", change, err)
	if !change.Changed || len(change.Added) != 1 || change.Added[0] != user.ARN {
		t.Fatalf("change %+v", change)
	}
	var plus, minus []string
	for _, line := range strings.Split(change.Diff.Unified(), "\n") {
		switch {
		case strings.HasPrefix(line, "+++"), strings.HasPrefix(line, "---"):
		case strings.HasPrefix(line, "+"):
			plus = append(plus, line)
		case strings.HasPrefix(line, "-"):
			minus = append(minus, line)
		}
	}
	if len(minus) != 0 || len(plus) != 1 || !strings.Contains(plus[0], `"`+user.ARN+`"`) {
		t.Fatalf("diff is not exactly the added principal:\n%s", change.Diff.Unified())
	}
	if stored, err := lab.GetKeyPolicy(ctx); err != nil || stored != change.After {
		t.Fatalf("stored policy differs from After (err %v):\n%s\n---\n%s", err, stored, change.After)
	}
	t.Logf("diff:\n%s\nexplain: %+v", change.Diff.Unified(), ex)
	again, err := lab.GrantKeyUse(ctx)
	step("GrantKeyUse again", again, err)
	if again.Changed || !again.Diff.Empty() || len(again.Added) != 0 || again.Before != change.After || again.After != change.After {
		t.Fatalf("second grant changed something: %+v", again)
	}

	granted, err := lab.WaitForAccess(ctx)
	step("WaitForAccess", granted, err)
	if !granted.Allowed() || len(granted.Items) != 1 || granted.Items[0].Get("secret") != item.Get("secret") {
		t.Fatalf("after the grant: %+v", granted)
	}
	ex2, err := lab.Explain(ctx)
	step("Explain after grant", ex2, err)
	if ex2.Decision != "allowed" {
		t.Fatalf("explanation after grant %+v", ex2)
	}
	foundSid := false
	for _, m := range ex2.Matched {
		foundSid = foundSid || (m.Source == "key policy" && m.Sid == "Allow use of the key")
	}
	if !foundSid {
		t.Errorf("the allowing statement is not named: %+v", ex2.Matched)
	}
	if tr := ex2.Trace; tr == nil || tr.Verdict() != "Allowed" || !appliesDirectly(tr, "Allow use of the key") {
		t.Errorf("trace after grant %+v (error %q)", tr, ex2.TraceError)
	}

	pre, err := lab.Preflight(ctx, steps.KMS().Actions())
	step("Preflight", pre, err)
	if len(pre.Missing) != 0 || len(pre.Warnings) != 0 {
		t.Errorf("admin with AdministratorAccess: %+v", pre)
	}

	if _, err := os.Stat(lab.LedgerPath()); err != nil {
		t.Fatalf("no ledger during the run: %v", err)
	}
	report, err := lab.Cleanup(ctx)
	step("Cleanup", report, err)
	want := map[string]string{
		ledger.KindAccessKey: ledger.OutcomeDeleted, ledger.KindPolicy: "detached", ledger.KindUser: ledger.OutcomeDeleted,
		ledger.KindTable: ledger.OutcomeDeleted, ledger.KindAlias: ledger.OutcomeDeleted, ledger.KindKey: ledger.OutcomeScheduled,
	}
	if len(report.Resources) != len(want) || !report.OK() {
		t.Fatalf("cleanup report %+v", report)
	}
	for i, kind := range []string{ledger.KindAccessKey, ledger.KindPolicy, ledger.KindUser, ledger.KindTable, ledger.KindAlias, ledger.KindKey} {
		if f := report.Resources[i]; f.Kind != kind || f.Outcome != want[kind] {
			t.Errorf("fate %d = %+v, want %s %s", i, f, kind, want[kind])
		}
	}
	e.assertEmpty(t)
	assertNoLedgers(t, e.stateDir)
	if _, err := os.Stat(lab.LedgerPath()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("ledger file still there: %v", err)
	}

	// Cleanup is idempotent: nothing left to do, nothing fails.
	report2, err := lab.Cleanup(ctx)
	step("Cleanup again", report2, err)
	if !report2.OK() {
		t.Fatalf("second cleanup %+v", report2)
	}

	watch.add("%+v %#v %v %s", lab, lab, lab, lab)
	secrets := e.tap.secretList()
	if len(secrets) != 1 {
		t.Fatalf("saw %d access keys created, want 1", len(secrets))
	}
	watch.check(t, append(secrets, e.srv.Admin.SecretAccessKey)...)
}

// appliesDirectly reports whether the key policy statement sid lets the caller in by name.
func appliesDirectly(tr *explain.Trace, sid string) bool {
	kp := tr.Policy(policy.KindKeyPolicy)
	if kp == nil {
		return false
	}
	for _, s := range kp.Statements {
		if s.Sid == sid && s.Applies && !s.Delegates {
			return true
		}
	}
	return false
}
