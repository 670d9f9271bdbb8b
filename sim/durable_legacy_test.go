package sim

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// TestLegacyDataDirConverted: a data file of an older kmslab (records without
// checksums, no format record) is refused with a sentence that says so, and
// --repair converts it into the same state.
func TestLegacyDataDirConverted(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	srv, err := New(Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.iam.Bootstrap("old-user", "AKIAOLDUSEREXAMPLE01", "old-secret-that-is-forty-characters-long"); err != nil {
		t.Fatal(err)
	}
	if err := srv.durable.commit("iam"); err != nil {
		t.Fatal(err)
	}
	want, _ := stateOf(srv)
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	// Strip every record's seal and the format record, as an older kmslab wrote them.
	db, err := bolt.Open(filepath.Join(dir, dataFile), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		var strip func(b *bolt.Bucket) error
		strip = func(b *bolt.Bucket) error {
			type kv struct{ k, v []byte }
			var all []kv
			var subs [][]byte
			_ = b.ForEach(func(k, v []byte) error {
				if v == nil {
					subs = append(subs, append([]byte(nil), k...))
				} else {
					all = append(all, kv{append([]byte(nil), k...), append([]byte(nil), v[recordHeader:]...)})
				}
				return nil
			})
			for _, e := range all {
				if err := b.Put(e.k, e.v); err != nil {
					return err
				}
			}
			for _, s := range subs {
				if err := strip(b.Bucket(s)); err != nil {
					return err
				}
			}
			return nil
		}
		for _, name := range [][]byte{bucketState, bucketItems, bucketAudit} {
			if err := strip(tx.Bucket(name)); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketState).Delete([]byte("format"))
	})
	if err := errors.Join(err, db.Close()); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Options{DataDir: dir}); err == nil || !strings.Contains(err.Error(), "older kmslab") {
		t.Fatalf("an older data file opened: %v", err)
	}
	rep, err := Repair(dir, time.Now())
	if err != nil || len(rep.Lost) != 0 {
		t.Fatalf("repair: %v\n%s", err, rep)
	}
	again, err := New(Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if got, _ := stateOf(again); got != want {
		t.Error("the converted data dir restores another state")
	}
	if _, err := os.Stat(rep.Kept); err != nil {
		t.Errorf("the older file was not kept: %v", err)
	}
}

// stateOf is IAM's saved state, enough to tell two accounts apart.
func stateOf(s *Server) (string, error) {
	b, err := s.iam.MarshalState()
	return string(b), err
}
