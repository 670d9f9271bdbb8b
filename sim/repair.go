package sim

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// RepairReport says what Repair saved and what it lost.
type RepairReport struct {
	Damaged string // what was wrong with the file ("" when nothing was)
	Kept    string // the damaged file, renamed, kept as it was
	Saved   map[string]int
	Lost    []string // what could not be read, in words
}

func (r RepairReport) String() string {
	if r.Damaged == "" {
		return "The data file is intact: nothing to repair."
	}
	var b strings.Builder
	fmt.Fprintf(&b, "The data file was damaged (%s).\n", r.Damaged)
	var saved []string
	for _, k := range []string{"state records", "items", "audit events"} {
		saved = append(saved, fmt.Sprintf("%d %s", r.Saved[k], k))
	}
	fmt.Fprintf(&b, "Saved into a new data file: %s.\n", strings.Join(saved, ", "))
	if len(r.Lost) == 0 {
		b.WriteString("Nothing readable was lost.\n")
	} else {
		b.WriteString("Lost:\n")
		for _, l := range r.Lost {
			fmt.Fprintf(&b, "  - %s\n", l)
		}
	}
	fmt.Fprintf(&b, "The damaged file is kept as %s.\n", r.Kept)
	return b.String()
}

// Repair saves what can be read of a damaged data file in dir into a new
// one, which takes its place; the damaged file is renamed, never deleted.
// An intact file is left alone. A file of an older kmslab (records without
// checksums) is converted the same way.
func Repair(dir string, now time.Time) (RepairReport, error) {
	path := filepath.Join(dir, dataFile)
	if _, err := os.Stat(path); err != nil {
		return RepairReport{}, fmt.Errorf("repair %s: %w", dir, err)
	}
	rep := RepairReport{Saved: map[string]int{}}
	d, err := openDurable(dir, 0)
	var damage *DamageError
	switch {
	case err == nil:
		return rep, d.db.Close()
	case !errors.As(err, &damage):
		return rep, err
	}
	rep.Damaged = damage.What

	// Read a copy, padded to the length its header counts, so that reads of a
	// truncated file find zeroes rather than the end of the mapping.
	scratch := path + ".reading"
	defer os.Remove(scratch)
	if err := paddedCopy(path, scratch); err != nil {
		return rep, fmt.Errorf("repair %s: %w", dir, err)
	}
	recs, lost := salvage(scratch)
	rep.Lost = lost

	// Items of tables that no saved DynamoDB state holds cannot be served.
	tables := map[string]bool{}
	for _, r := range recs {
		if r.bucket == "state" && strings.HasPrefix(string(r.key), "ddb/") {
			var st struct{ Tables []struct{ ID, Name string } }
			if json.Unmarshal(r.payload, &st) == nil {
				for _, t := range st.Tables {
					tables[t.ID] = true
				}
			}
		}
	}
	orphans := map[string]int{}
	kept := recs[:0]
	for _, r := range recs {
		if r.bucket == "state" && (string(r.key) == "format" || string(r.key) == countsKey) {
			continue // written afresh
		}
		if id, ok := strings.CutPrefix(r.bucket, "items/"); ok && !tables[id] {
			orphans[id]++
			continue
		}
		kept = append(kept, r)
	}
	for id, n := range orphans {
		rep.Lost = append(rep.Lost, fmt.Sprintf("%d items of table %s, whose definition was lost", n, id))
	}
	sort.Strings(rep.Lost)

	fresh := path + ".repaired"
	if err := writeSalvaged(fresh, kept, rep.Saved); err != nil {
		_ = os.Remove(fresh)
		return rep, fmt.Errorf("repair %s: write the new file: %w", dir, err)
	}
	rep.Kept = path + ".damaged-" + now.UTC().Format("20060102T150405Z")
	if err := os.Rename(path, rep.Kept); err != nil {
		_ = os.Remove(fresh)
		return rep, fmt.Errorf("repair %s: %w", dir, err)
	}
	if err := os.Rename(fresh, path); err != nil {
		return rep, fmt.Errorf("repair %s: %w (the damaged file is now %s)", dir, err, rep.Kept)
	}
	return rep, nil
}

func paddedCopy(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	n, err := io.Copy(out, in)
	if err != nil {
		_ = out.Close()
		return err
	}
	head := make([]byte, 2*boltMaxPageSize)
	m, _ := in.ReadAt(head, 0)
	want := n
	for _, off := range []int{0, 4096, 16384, 65536} {
		if off < m {
			if meta, ok := parseMeta(head[off:m]); ok && meta.pageSize >= boltMinPageSize && meta.pageSize <= boltMaxPageSize && meta.high < 1<<24 {
				want = max(want, int64(meta.high)*int64(meta.pageSize))
			}
		}
	}
	if want > n {
		err = out.Truncate(want)
	}
	return errors.Join(err, out.Close())
}

type salvaged struct {
	bucket  string
	key     []byte
	payload []byte
}

// salvage reads every record it can from the bbolt file at path. Each
// section is read under contain, so damage that stops one leaves the others.
func salvage(path string) (recs []salvaged, lost []string) {
	var db *bolt.DB
	err := contain(func() error {
		var err error
		db, err = bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
		return err
	})
	if err != nil {
		return nil, []string{"everything: the file cannot be opened at all (" + err.Error() + ")"}
	}
	defer db.Close()
	old := false
	_ = contain(func() error { old = legacy(db); return nil })
	section := func(bucket string, read func(*bolt.Tx) *bolt.Bucket) {
		n, bad := 0, 0
		err := contain(func() error {
			return db.View(func(tx *bolt.Tx) error {
				b := read(tx)
				if b == nil {
					return errors.New("missing")
				}
				return b.ForEach(func(k, v []byte) error {
					if v == nil {
						return nil
					}
					p, err := openRecord(bucket, k, v)
					if old {
						p, err = v, nil
					}
					if err != nil {
						bad++
						if bucket == "state" {
							lost = append(lost, fmt.Sprintf("the record %s (%s)", k, describeState(string(k))))
						}
						return nil
					}
					recs = append(recs, salvaged{bucket, append([]byte(nil), k...), append([]byte(nil), p...)})
					n++
					return nil
				})
			})
		})
		if bad > 0 && bucket != "state" {
			lost = append(lost, fmt.Sprintf("%d records of %s that fail their checksum", bad, bucket))
		}
		if err != nil {
			lost = append(lost, fmt.Sprintf("whatever %s held past record %d: it cannot be read (%v)", bucket, n+bad, err))
		}
	}
	section("state", func(tx *bolt.Tx) *bolt.Bucket { return tx.Bucket(bucketState) })
	section("audit", func(tx *bolt.Tx) *bolt.Bucket { return tx.Bucket(bucketAudit) })
	var tables []string
	_ = contain(func() error {
		return db.View(func(tx *bolt.Tx) error {
			all := tx.Bucket(bucketItems)
			if all == nil {
				return nil
			}
			return all.ForEach(func(k, v []byte) error {
				if v == nil {
					tables = append(tables, string(k))
				}
				return nil
			})
		})
	})
	for _, id := range tables {
		section(itemsPath(id), func(tx *bolt.Tx) *bolt.Bucket {
			if all := tx.Bucket(bucketItems); all != nil {
				return all.Bucket([]byte(id))
			}
			return nil
		})
	}
	return recs, lost
}

func describeState(key string) string {
	kind, region, _ := strings.Cut(key, "/")
	switch kind {
	case "iam":
		return "every IAM user, access key, policy, group and role"
	case "kms":
		return "the KMS keys of " + region + ", and with them every item encrypted under them"
	case "ddb":
		return "the DynamoDB tables of " + region
	case "account":
		return "the account id, which the next start sets again"
	}
	return "unknown"
}

// writeSalvaged makes a new data file holding recs, sealed afresh.
func writeSalvaged(path string, recs []salvaged, saved map[string]int) error {
	_ = os.Remove(path)
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return err
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketState, bucketItems, bucketAudit} {
			if _, err := tx.CreateBucket(b); err != nil {
				return err
			}
		}
		var maxSeq uint64
		counts := map[string]int{"state": 1} // the format record
		for _, r := range recs {
			var b *bolt.Bucket
			var err error
			switch {
			case r.bucket == "state":
				b = tx.Bucket(bucketState)
				saved["state records"]++
			case r.bucket == "audit":
				b = tx.Bucket(bucketAudit)
				if len(r.key) != 8 {
					continue
				}
				maxSeq = max(maxSeq, binary.BigEndian.Uint64(r.key))
				saved["audit events"]++
			default:
				b, err = tx.Bucket(bucketItems).CreateBucketIfNotExists([]byte(strings.TrimPrefix(r.bucket, "items/")))
				saved["items"]++
			}
			if err != nil {
				return err
			}
			if b.Get(r.key) == nil {
				counts[r.bucket]++
			}
			if err := putRecord(b, r.bucket, r.key, r.payload); err != nil {
				return err
			}
		}
		if err := tx.Bucket(bucketAudit).SetSequence(maxSeq); err != nil {
			return err
		}
		if err := putRecord(tx.Bucket(bucketState), "state", []byte("format"), []byte(dataFormat)); err != nil {
			return err
		}
		b, err := json.Marshal(counts)
		if err != nil {
			return err
		}
		return putRecord(tx.Bucket(bucketState), "state", []byte(countsKey), b)
	})
	return errors.Join(err, db.Close())
}
