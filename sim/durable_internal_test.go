package sim

import (
	"encoding/json"
	"strconv"
	"testing"

	bolt "go.etcd.io/bbolt"

	"kmslab/sim/audit"
)

// TestAuditTrailRestoreKeepsNewest: the audit events on disk come back in
// order, and beyond the trail's size only the newest are kept, on disk too.
func TestAuditTrailRestoreKeepsNewest(t *testing.T) {
	dir := t.TempDir()
	d, err := openDurable(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		b, _ := json.Marshal(audit.Event{RequestID: strconv.Itoa(i)})
		if _, err := d.Write(append(b, '\n')); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.commit(); err != nil {
		t.Fatal(err)
	}
	for _, want := range [][]string{{"2", "3", "4"}, {"2", "3", "4"}} {
		log := audit.New(3)
		if err := d.restoreAudit(log, 3); err != nil {
			t.Fatal(err)
		}
		got := log.Events()
		if len(got) != len(want) {
			t.Fatalf("restored %d events, want %d", len(got), len(want))
		}
		for i, e := range got {
			if e.RequestID != want[i] {
				t.Errorf("event %d is %s, want %s", i, e.RequestID, want[i])
			}
		}
	}
	if err := d.db.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestItemKeyRoundTrip(t *testing.T) {
	for _, tc := range []struct{ ph, ih string }{{"p", "i"}, {string(make([]byte, 32)), "abc"}, {"", "x"}} {
		ph, ih, ok := splitItemKey(itemKey(tc.ph, tc.ih))
		if !ok || string(ph) != tc.ph || string(ih) != tc.ih {
			t.Errorf("itemKey(%q, %q) splits into %q, %q, %v", tc.ph, tc.ih, ph, ih, ok)
		}
	}
	for _, bad := range [][]byte{nil, {5, 'a'}} {
		if _, _, ok := splitItemKey(bad); ok {
			t.Errorf("splitItemKey(%q) accepted", bad)
		}
	}
}

// TestFailedCommitKeepsChanges: a transaction that fails leaves its item
// changes and audit events pending for the next commit, behind newer ones.
func TestFailedCommitKeepsChanges(t *testing.T) {
	d, err := openDurable(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer d.db.Close()
	d.ItemPut("tbl", []byte("p"), []byte("a"), []byte("sealed-a"), 1)
	d.ItemPut("tbl", []byte("p"), []byte("b"), []byte("sealed-b"), 1)
	_, _ = d.Write([]byte(`{"requestID":"1"}` + "\n"))
	if err := d.commit("no-such-snapshot"); err == nil {
		t.Fatal("a commit with an unknown snapshot succeeded")
	}
	d.ItemPut("tbl", []byte("p"), []byte("b"), []byte("sealed-b2"), 2) // newer than the failed one
	if err := d.commit(); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	err = d.db.View(func(tx *bolt.Tx) error {
		if n := tx.Bucket(bucketAudit).Stats().KeyN; n != 1 {
			t.Errorf("%d audit events on disk, want 1", n)
		}
		return readItems(tx, "tbl", func(_, ih, sealed []byte, _ int) { got[string(ih)] = string(sealed) })
	})
	if err != nil {
		t.Fatal(err)
	}
	if got["a"] != "sealed-a" || got["b"] != "sealed-b2" || len(got) != 2 {
		t.Errorf("items on disk after a failed then a good commit: %q", got)
	}
}
