package ledger

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func fixedClock() func() time.Time {
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	return func() time.Time { return t0 }
}

func TestLedgerLifecycle(t *testing.T) {
	dir := t.TempDir()
	f, err := Open(dir, "run1", true, fixedClock())
	if err != nil {
		t.Fatal(err)
	}
	path := ledgerPath(dir, "run1")
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("ledger written before anything was planned: %v", err)
	}
	if err := f.SetOrigin("111122223333", "eu-west-1", ""); err != nil {
		t.Fatal(err)
	}
	key, err := f.Plan(KindKey, "", "")
	if err != nil {
		t.Fatal(err)
	}
	// Written before creation: the file exists with the planned entry.
	l := readLedgerFile(t, path)
	if len(l.Resources) != 1 || l.Resources[0].State != StatePlanned || l.Account != "111122223333" {
		t.Fatalf("after plan: %+v", l)
	}
	if err := f.Created(key, "key-id", "arn:aws:kms:eu-west-1:111122223333:key/key-id"); err != nil {
		t.Fatal(err)
	}
	again, err := f.Plan(KindKey, "key-id", "")
	if err != nil || again != key {
		t.Fatalf("planning a recorded resource again = %d, %v; want %d", again, err, key)
	}
	user, _ := f.Plan(KindUser, "kmslab-user-run1", "")
	if err := f.Created(user, "", "arn:aws:iam::111122223333:user/kmslab-user-run1"); err != nil {
		t.Fatal(err)
	}
	l = readLedgerFile(t, path)
	if got := len(l.Pending()); got != 2 {
		t.Fatalf("pending = %d, want 2: %+v", got, l)
	}
	if l.Resources[0].Name != "key-id" || l.Resources[0].State != StateCreated {
		t.Fatalf("key entry = %+v", l.Resources[0])
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("ledger mode = %v, want 0600", st.Mode().Perm())
	}
	assertNoTempFiles(t, filepath.Dir(path))

	// A second process picks the ledger up where the first left it.
	f2, err := Open(dir, "run1", true, fixedClock())
	if err != nil {
		t.Fatal(err)
	}
	if got := len(f2.Snapshot().Pending()); got != 2 {
		t.Fatalf("reopened ledger has %d pending, want 2", got)
	}
	if err := f2.Deleted(KindUser); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("ledger removed while the key is still recorded: %v", err)
	}
	if err := f2.Deleted(KindKey); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("ledger still present after everything was deleted: %v", err)
	}
	assertNoTempFiles(t, filepath.Dir(path))
}

func TestLedgerNotPersisted(t *testing.T) {
	dir := t.TempDir()
	f, err := Open(dir, "run2", false, fixedClock())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Plan(KindTable, "kmslab-run2", ""); err != nil {
		t.Fatal(err)
	}
	if got := len(f.Snapshot().Pending()); got != 1 {
		t.Fatalf("in-memory ledger has %d pending, want 1", got)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("a disabled ledger wrote %d files", len(entries))
	}
}

func TestLoadLedgers(t *testing.T) {
	dir := t.TempDir()
	for i, run := range []string{"bbb", "aaa"} {
		clock := func() time.Time { return time.Date(2026, 1, 1+i, 0, 0, 0, 0, time.UTC) }
		f, _ := Open(dir, run, true, clock)
		if _, err := f.Plan(KindTable, "kmslab-"+run, ""); err != nil {
			t.Fatal(err)
		}
	}
	got, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].RunID != "bbb" || got[1].RunID != "aaa" {
		t.Fatalf("Load order = %+v, want bbb (older) then aaa", got)
	}
	if l, err := Load(filepath.Join(dir, "missing")); err != nil || l != nil {
		t.Fatalf("missing dir: %v, %v", l, err)
	}
	// A ledger whose file name and run id disagree is refused.
	b, _ := os.ReadFile(ledgerPath(dir, "aaa"))
	if err := os.WriteFile(ledgerPath(dir, "ccc"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "ccc.json") {
		t.Fatalf("mismatched ledger: err = %v", err)
	}
}

func TestDecodeLedgerRejects(t *testing.T) {
	tests := map[string]string{
		"not json":       `nope`,
		"wrong version":  `{"version":2,"run_id":"abc","resources":[]}`,
		"bad run id":     `{"version":1,"run_id":"../etc","resources":[]}`,
		"unknown kind":   `{"version":1,"run_id":"abc","resources":[{"kind":"s3 bucket","state":"created"}]}`,
		"unknown state":  `{"version":1,"run_id":"abc","resources":[{"kind":"kms key","state":"weird"}]}`,
		"trailing data":  `{"version":1,"run_id":"abc","resources":[]} {}`,
		"resources type": `{"version":1,"run_id":"abc","resources":{}}`,
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := decodeLedger([]byte(in)); err == nil {
				t.Fatalf("decodeLedger(%s) accepted it", in)
			}
		})
	}
	if _, err := decodeLedger([]byte(`{"version":1,"run_id":"abc","resources":[{"kind":"kms key","state":"planned"}]}`)); err != nil {
		t.Fatalf("valid ledger refused: %v", err)
	}
}

func TestDefaultStateDir(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", "/tmp/xdg-state")
	if d, _ := DefaultStateDir(); d != "/tmp/xdg-state/kmslab" {
		t.Errorf("with XDG_STATE_HOME: %q", d)
	}
	t.Setenv("XDG_STATE_HOME", "relative/ignored")
	t.Setenv("HOME", "/home/learner")
	if d, _ := DefaultStateDir(); d != "/home/learner/.local/state/kmslab" {
		t.Errorf("without an absolute XDG_STATE_HOME: %q", d)
	}
}

func FuzzDecodeLedger(f *testing.F) {
	f.Add([]byte(`{"version":1,"run_id":"abc","resources":[{"kind":"kms key","name":"k","state":"created"}]}`))
	f.Add([]byte(`{"version":1,"run_id":"abc","resources":null}`))
	f.Add([]byte(`{"version":1,"run_id":"","resources":[]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := decodeLedger(b)
		if err != nil {
			return
		}
		if !ValidRunID(l.RunID) {
			t.Fatalf("accepted run id %q", l.RunID)
		}
		for _, e := range l.Resources {
			if !knownKinds[e.Kind] {
				t.Fatalf("accepted kind %q", e.Kind)
			}
		}
	})
}

func readLedgerFile(t *testing.T, path string) Ledger {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	l, err := decodeLedger(b)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func assertNoTempFiles(t *testing.T, dir string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}

// TestLedgerDirIsPrivate: a runs directory created loosely (by hand, or an
// old version) is tightened to 0700 on the next write; the ledger is 0600.
func TestLedgerDirIsPrivate(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(runsDir(dir), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := Open(dir, "run7", true, fixedClock())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Plan(KindKey, "", ""); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(runsDir(dir)); fi.Mode().Perm() != 0o700 {
		t.Errorf("runs dir mode %v, want 0700", fi.Mode().Perm())
	}
	if fi, _ := os.Stat(ledgerPath(dir, "run7")); fi.Mode().Perm() != 0o600 {
		t.Errorf("ledger mode %v, want 0600", fi.Mode().Perm())
	}
}

// A process killed between CreateTemp and Rename leaves .<run>.json.<n>.tmp
// behind; the next look at the ledgers removes it, but not a young one a live
// writer may still rename, nor anything that is not such a temp file.
func TestStaleLedgerTempsRemoved(t *testing.T) {
	dir := t.TempDir()
	runs := runsDir(dir)
	if err := os.MkdirAll(runs, 0o700); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-2 * staleTempAge)
	files := map[string]bool{ // name -> kept
		".abc123.json.4711.tmp": false,
		".abc123.json.99.tmp":   true, // young
		"notes.tmp":             true, // not a ledger temp
	}
	for name, kept := range files {
		p := filepath.Join(runs, name)
		if err := os.WriteFile(p, []byte("{"), 0o600); err != nil {
			t.Fatal(err)
		}
		if !kept || name == "notes.tmp" {
			if err := os.Chtimes(p, old, old); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, load := range []func() error{
		func() error { _, err := Load(dir); return err },
		func() error { _, err := Open(dir, "abc123", true, time.Now); return err },
	} {
		if err := load(); err != nil {
			t.Fatal(err)
		}
		for name, kept := range files {
			_, err := os.Stat(filepath.Join(runs, name))
			if exists := err == nil; exists != kept {
				t.Errorf("%s: exists = %v, want %v", name, exists, kept)
			}
		}
	}
}
