package sim

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"kmslab/sim/audit"
)

// TestAuditTrailCapped: the trail on disk keeps its newest events only, in
// order, trimmed as they are saved, and a restore reads back at most what the
// in-memory trail keeps.
func TestAuditTrailCapped(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	d, err := openDurable(dir, 3)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		b, _ := json.Marshal(audit.Event{RequestID: strconv.Itoa(i)})
		if _, err := d.Write(append(b, '\n')); err != nil {
			t.Fatal(err)
		}
		if err := d.commit(); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.db.View(func(tx *bolt.Tx) error {
		if n := tx.Bucket(bucketAudit).Stats().KeyN; n != 3 {
			t.Errorf("%d events on disk, want 3", n)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := d.db.Close(); err != nil {
		t.Fatal(err)
	}
	d, err = openDurable(dir, 3)
	if err != nil {
		t.Fatal(err)
	}
	defer d.db.Close()
	for keep, want := range map[int][]string{10: {"2", "3", "4"}, 2: {"3", "4"}} {
		log := audit.New(keep)
		if err := d.restoreAudit(log); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range log.Events() {
			got = append(got, e.RequestID)
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("keeping %d: restored %v, want %v", keep, got, want)
		}
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

// TestFailedCommitDropsItems: a transaction that fails leaves nothing of
// its item changes (the router rolls memory back to the disk) while its audit
// events wait for the next commit.
func TestFailedCommitDropsItems(t *testing.T) {
	t.Parallel()
	d, err := openDurable(t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer d.db.Close()
	d.ItemPut("tbl", []byte("p"), []byte("a"), []byte("sealed-a"), 1)
	_, _ = d.Write([]byte(`{"requestID":"1"}` + "\n"))
	if err := d.commit("no-such-snapshot"); err == nil {
		t.Fatal("a commit with an unknown snapshot succeeded")
	}
	d.ItemPut("tbl", []byte("p"), []byte("b"), []byte("sealed-b"), 2)
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
	if got["b"] != "sealed-b" || len(got) != 1 {
		t.Errorf("items on disk after a failed then a good commit: %q", got)
	}
}
