package sim

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"kmslab/sim/audit"
	"kmslab/sim/dynamodb"
	"kmslab/sim/iam"
)

// The offline AWS on disk (Options.DataDir): one bbolt file, written in a
// transaction committed (fsynced) before the response of the request that
// changed something is written, so an acknowledged write survives a SIGKILL.
//
//	state/account        the account id the file belongs to
//	state/format         dataFormat
//	state/iam            IAM's users, keys, policies, groups, roles, STS sessions (MarshalState)
//	state/kms/<region>   a region's KMS keys, key material included
//	state/ddb/<region>   a region's tables, without items
//	items/<table id>/    one entry per item: partition hash, item hash -> size, ciphertext
//	audit/<seq>          the newest audit events (at most Options.AuditDiskMax), one JSON document each
//
// Every value is sealed with a checksum of its place and content
// (durable_record.go). Small state is snapshotted whole after each operation
// that may change it; items are written through one by one
// (dynamodb.ItemJournal), as ciphertext.
//
// A service that keeps more state adds it to its MarshalState/RestoreState
// pair: the durable layer stores whatever bytes they give, checked and
// rolled back the same way.
var (
	bucketState = []byte("state")
	bucketItems = []byte("items")
	bucketAudit = []byte("audit")
)

const dataFile = "kmslab.db"

// dataFormat names the layout above; a file without it predates record
// checksums and is opened only by --repair.
const dataFormat = "kmslab-data-2"

// auditFlushEvery bounds how long an audit event waits for a write to carry
// it to disk when the calls are only reads.
const auditFlushEvery = 200 * time.Millisecond

// DefaultAuditDiskMax is how many audit events a data dir keeps by default:
// at about 1.3 KB each, some 26 MB. Older ones are dropped as new ones come.
const DefaultAuditDiskMax = 20000

type itemRef struct{ table, part, item string }

type itemChange struct {
	sealed []byte // nil: deleted
	size   int
}

// durable is the persistence of one Server.
type durable struct {
	dir     string
	db      *bolt.DB
	iam     *iam.Service
	regions *regions
	home    string // the default region, always on disk

	// gate makes a change visible to other requests only once it is on disk:
	// a call that may change state holds it exclusively from dispatch to the
	// end of its commit (or of the rollback of a failed one); reads, and the
	// audit flush, share it.
	gate sync.RWMutex

	// commitMu is held from taking the pending changes to the end of their
	// transaction.
	commitMu sync.Mutex
	tables   map[string]string // table id -> region, of the tables on disk; under commitMu
	gens     map[string]uint64 // table id -> generation of its items on disk; under commitMu

	// The audit trail on disk holds the events numbered [auditFirst, auditNext);
	// under commitMu.
	auditFirst, auditNext uint64
	auditMax              uint64

	// counts is how many records each bucket holds (by path: "state",
	// "items/<table id>", "audit"), kept in the state/counts record of every
	// transaction, so that a record that vanished (a damaged page's element
	// count) is found at open like one that changed; tx is its copy for the
	// transaction in progress. Both under commitMu.
	counts, tx map[string]int

	mu      sync.Mutex // guards what follows
	pending map[itemRef]itemChange
	audit   [][]byte
	dropped int // audit events lost because the disk refused them for too long

	// fault, set by tests, fails every transaction that would write with its error.
	fault func() error

	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once
	closeErr  error
}

// openDurable opens (or creates) the data dir, private to the user. A data
// file that exists is checked whole before anything is read from it
// (durable_check.go); a damaged one is refused and left untouched.
func openDurable(dir string, auditMax int) (*durable, error) {
	if err := privateDataDir(dir); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, dataFile)
	fresh := false
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		fresh = true
	} else if err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	if !fresh {
		what, err := precheck(path)
		if err != nil {
			return nil, fmt.Errorf("open data dir %s: %w", dir, err)
		}
		if what == "" {
			what, err = checkPages(path)
		}
		if err != nil {
			return nil, fmt.Errorf("open data dir %s: %w", dir, err)
		}
		if what != "" {
			return nil, &DamageError{Dir: dir, What: what}
		}
	}
	var db *bolt.DB
	var found map[string]int // records per bucket, as verify counted them
	err := contain(func() error {
		var err error
		db, err = bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
		if err != nil || fresh {
			return err
		}
		if legacy(db) {
			return &DamageError{Dir: dir, What: "it was written by an older kmslab, without record checksums"}
		}
		var what string
		what, found, err = verify(db)
		if err == nil && what != "" {
			err = &DamageError{Dir: dir, What: what}
		}
		return err
	})
	if err != nil && db != nil {
		_ = db.Close()
	}
	var damage *DamageError
	switch {
	case err == nil:
	case errors.Is(err, berrors.ErrTimeout):
		return nil, fmt.Errorf("data dir %s is in use by another kmslab serve: stop it or pick another --data-dir", dir)
	case errors.As(err, &damage):
		return nil, err
	case isDamage(err):
		return nil, &DamageError{Dir: dir, What: err.Error()}
	default:
		return nil, fmt.Errorf("open data dir %s: %w", dir, err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("data dir: %w", err)
	}
	if auditMax <= 0 {
		auditMax = DefaultAuditDiskMax
	}
	d := &durable{
		dir: dir, db: db, tables: map[string]string{}, gens: map[string]uint64{},
		auditMax: uint64(auditMax),
		pending:  map[itemRef]itemChange{},
		stop:     make(chan struct{}), done: make(chan struct{}),
	}
	if fresh {
		d.counts = map[string]int{}
		err = d.update(func(tx *bolt.Tx) error {
			for _, b := range [][]byte{bucketState, bucketItems, bucketAudit} {
				if _, err := tx.CreateBucketIfNotExists(b); err != nil {
					return err
				}
			}
			return d.put(tx.Bucket(bucketState), "state", []byte("format"), []byte(dataFormat))
		})
	} else {
		d.counts = found
		err = db.View(func(tx *bolt.Tx) error {
			v, err := getRecord(tx.Bucket(bucketState), "state", []byte("format"))
			if err == nil && string(v) != dataFormat {
				err = &DamageError{Dir: dir, What: "it was written by an older kmslab, without record checksums"}
			}
			if err != nil {
				return err
			}
			saved, err := getRecord(tx.Bucket(bucketState), "state", []byte(countsKey))
			if err != nil || saved == nil {
				return &DamageError{Dir: dir, What: "its record counts are missing or damaged"}
			}
			if what := compareCounts(saved, found); what != "" {
				return &DamageError{Dir: dir, What: what}
			}
			return nil
		})
	}
	if err == nil {
		err = d.openAuditTrail()
	}
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	return d, nil
}

// privateDataDir makes dir if needed and checks that it is private.
func privateDataDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("data dir: %w", err)
	}
	// MkdirAll leaves an existing directory's mode alone. Key material and
	// secrets go in there, so it must be private. An empty one (just made by
	// mkdir) is made so; one with content may be shared on purpose (a home, a
	// project), so say so rather than change its mode behind the user's back.
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("data dir: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("data dir %s is not a directory", dir)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return fmt.Errorf("data dir: %w", err)
		}
		if len(entries) > 0 {
			return fmt.Errorf("data dir %s is open to other users (mode %v) and would hold key material: chmod 700 it or name a new directory", dir, fi.Mode().Perm())
		}
		if err := os.Chmod(dir, 0o700); err != nil {
			return fmt.Errorf("data dir: %w", err)
		}
	}
	return nil
}

// countsKey is the state record holding how many records each bucket holds.
const countsKey = "counts"

// update runs f in a write transaction whose record counts are saved with it.
func (d *durable) update(f func(tx *bolt.Tx) error) error {
	d.tx = maps.Clone(d.counts)
	// Contained: damage the open-time checks cannot see (bbolt's free list
	// disagreeing with its pages) makes bbolt panic while it writes. bbolt
	// rolls the transaction back on the way out; the call fails, and its
	// change is rolled back in memory as for a full disk.
	err := contain(func() error {
		return d.db.Update(func(tx *bolt.Tx) error {
			if err := f(tx); err != nil {
				return err
			}
			b, err := json.Marshal(d.tx)
			if err != nil {
				return err
			}
			return putRecord(tx.Bucket(bucketState), "state", []byte(countsKey), b)
		})
	})
	var p panicked
	if errors.As(err, &p) {
		err = &DamageError{Dir: d.dir, What: "bbolt failed while writing to it: " + fmt.Sprint(p.v)}
	}
	if err == nil {
		d.counts = d.tx
	}
	d.tx = nil
	return err
}

// put and del store and remove one record, counting it.
func (d *durable) put(b *bolt.Bucket, path string, key, payload []byte) error {
	if b.Get(key) == nil {
		d.tx[path]++
	}
	return putRecord(b, path, key, payload)
}

func (d *durable) del(b *bolt.Bucket, path string, key []byte) error {
	if b.Get(key) != nil {
		d.tx[path]--
	}
	return b.Delete(key)
}

// compareCounts says which bucket holds another number of records than the
// counts saved (as JSON) say it should, or "".
func compareCounts(saved []byte, found map[string]int) string {
	var want map[string]int
	if err := json.Unmarshal(saved, &want); err != nil {
		return "its record counts are damaged"
	}
	for _, m := range []map[string]int{want, found} {
		maps.DeleteFunc(m, func(_ string, n int) bool { return n == 0 })
	}
	for path, n := range want {
		if found[path] != n {
			return fmt.Sprintf("%q holds %d records where %d were saved", path, found[path], n)
		}
	}
	for path, n := range found {
		if _, ok := want[path]; !ok {
			return fmt.Sprintf("%q holds %d records where none were saved", path, n)
		}
	}
	return ""
}

// putRecord and getRecord store and read one checked value.
func putRecord(b *bolt.Bucket, path string, key, payload []byte) error {
	return b.Put(key, sealRecord(path, key, payload))
}

// getRecord returns nil, nil when there is no such key; the payload is a copy.
func (d *durable) damaged(what string) error { return &DamageError{Dir: d.dir, What: what} }

func getRecord(b *bolt.Bucket, path string, key []byte) ([]byte, error) {
	v := b.Get(key)
	if v == nil {
		return nil, nil
	}
	p, err := openRecord(path, key, v)
	if err != nil {
		return nil, fmt.Errorf("record %s/%s: %w", path, key, err)
	}
	return append([]byte(nil), p...), nil
}

// openAuditTrail finds the first and next sequence numbers of the trail:
// two cursor moves, whatever its length.
func (d *durable) openAuditTrail() error {
	return d.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketAudit).Cursor()
		first, _ := c.First()
		last, _ := c.Last()
		if first == nil {
			d.auditFirst = tx.Bucket(bucketAudit).Sequence() + 1
			d.auditNext = d.auditFirst
			return nil
		}
		if len(first) != 8 || len(last) != 8 {
			return d.damaged("an audit event under a malformed key")
		}
		d.auditFirst, d.auditNext = binary.BigEndian.Uint64(first), binary.BigEndian.Uint64(last)+1
		return nil
	})
}

func auditKey(seq uint64) []byte { return binary.BigEndian.AppendUint64(nil, seq) }

// restoreAudit replays the newest events kept on disk, at most what log
// keeps, into log, which must have no sink yet (they are in the audit log
// file already). It reads only those: restart does not grow with the trail.
func (d *durable) restoreAudit(log *audit.Log) error {
	keep := uint64(max(log.Max(), 0))
	if keep == 0 {
		return nil
	}
	from := d.auditFirst
	if d.auditNext-from > keep {
		from = d.auditNext - keep
	}
	return d.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketAudit).Cursor()
		for k, v := c.Seek(auditKey(from)); k != nil; k, v = c.Next() {
			p, err := openRecord("audit", k, v)
			if err != nil {
				return d.damaged("an audit event fails its checksum")
			}
			var e audit.Event
			if err := json.Unmarshal(p, &e); err != nil {
				return d.damaged("an audit event is not JSON")
			}
			log.Record(e)
		}
		return nil
	})
}

// restore loads IAM and every region saved. It reports whether there was
// any saved state (false: a fresh data dir).
func (d *durable) restore() (bool, error) {
	found := false
	err := d.db.View(func(tx *bolt.Tx) error {
		st := tx.Bucket(bucketState)
		v, err := getRecord(st, "state", []byte("iam"))
		if err != nil {
			return d.damaged("IAM's record fails its checksum")
		}
		if v != nil {
			found = true
			if err := d.iam.RestoreState(v); err != nil {
				return err
			}
		}
		// KMS first: a region's tables name its keys.
		for _, prefix := range []string{"kms/", "ddb/"} {
			c := st.Cursor()
			for k, raw := c.Seek([]byte(prefix)); k != nil && strings.HasPrefix(string(k), prefix); k, raw = c.Next() {
				v, err := openRecord("state", k, raw)
				if err != nil {
					return d.damaged(fmt.Sprintf("the record %s fails its checksum", k))
				}
				region := strings.TrimPrefix(string(k), prefix)
				if !validRegion(region) {
					return d.damaged(fmt.Sprintf("saved state for region %q", region))
				}
				r := d.regions.get(region)
				if prefix == "kms/" {
					if err := r.kms.RestoreState(v); err != nil {
						return err
					}
					continue
				}
				tables, err := r.dynamodb.RestoreState(v)
				if err != nil {
					return err
				}
				for _, t := range tables {
					d.tables[t.ID], d.gens[t.ID] = region, t.Gen
					if err := r.dynamodb.RestoreItems(t.ID, func(put func(ph, ih, sealed []byte, size int)) error {
						return readItems(tx, t.ID, put)
					}); err != nil {
						return err
					}
				}
			}
		}
		// Items no table owns: a table's id damaged, or its record lost.
		return tx.Bucket(bucketItems).ForEach(func(k, _ []byte) error {
			if _, ok := d.tables[string(k)]; !ok {
				return d.damaged(fmt.Sprintf("items are stored for a table %q that no region holds", k))
			}
			return nil
		})
	})
	var damage *DamageError
	if errors.As(err, &damage) {
		return false, err
	}
	if err != nil {
		return false, fmt.Errorf("restore from data dir: %w", err)
	}
	return found, nil
}

// readItems calls put for every item stored for a table, in key order: by
// partition hash, the order a table keeps its partitions in.
func readItems(tx *bolt.Tx, tableID string, put func(ph, ih, sealed []byte, size int)) error {
	b := tx.Bucket(bucketItems).Bucket([]byte(tableID))
	if b == nil {
		return nil
	}
	path := itemsPath(tableID)
	return b.ForEach(func(k, raw []byte) error {
		v, err := openRecord(path, k, raw)
		if err != nil {
			return &DamageError{What: fmt.Sprintf("an item of table %s fails its checksum", tableID)}
		}
		ph, ih, ok := splitItemKey(k)
		size, n := binary.Uvarint(v)
		if !ok || n <= 0 {
			return fmt.Errorf("table %s: corrupt item entry", tableID)
		}
		// bbolt's memory is only valid inside the transaction: copy.
		put([]byte(string(ph)), []byte(string(ih)), append([]byte(nil), v[n:]...), int(size))
		return nil
	})
}

func itemKey(ph, ih string) []byte {
	k := make([]byte, 0, 1+len(ph)+len(ih))
	k = append(k, byte(len(ph)))
	k = append(k, ph...)
	return append(k, ih...)
}

func splitItemKey(k []byte) (ph, ih []byte, ok bool) {
	if len(k) < 1 || len(k) < 1+int(k[0]) {
		return nil, nil, false
	}
	return k[1 : 1+k[0]], k[1+k[0]:], true
}

func itemValue(size int, sealed []byte) []byte {
	v := binary.AppendUvarint(make([]byte, 0, binary.MaxVarintLen64+len(sealed)), uint64(size))
	return append(v, sealed...)
}

// ItemPut and ItemDelete implement dynamodb.ItemJournal: the change waits in
// memory for the commit that ends the request.
func (d *durable) ItemPut(tableID string, ph, ih, sealed []byte, size int) {
	d.mu.Lock()
	d.pending[itemRef{tableID, string(ph), string(ih)}] = itemChange{sealed: sealed, size: size}
	d.mu.Unlock()
}

func (d *durable) ItemDelete(tableID string, ph, ih []byte) {
	d.mu.Lock()
	d.pending[itemRef{tableID, string(ph), string(ih)}] = itemChange{}
	d.mu.Unlock()
}

// Write takes one audit event as a JSON line (the audit log's sink).
func (d *durable) Write(line []byte) (int, error) {
	d.mu.Lock()
	d.audit = append(d.audit, append([]byte(nil), line...))
	d.mu.Unlock()
	return len(line), nil
}

// snapshot names a piece of small state to save: "iam", "kms/<region>", "ddb/<region>".
type snapshot string

// commit saves the pending item changes and audit events and the named
// snapshots in one transaction, and returns once it is on disk. When it
// fails, the item changes are dropped (the caller rolls the state in memory
// back to what is on disk) and the audit events wait for the next commit.
func (d *durable) commit(snaps ...snapshot) error {
	d.commitMu.Lock()
	defer d.commitMu.Unlock()
	d.mu.Lock()
	items, events := d.pending, d.audit
	d.pending, d.audit = map[itemRef]itemChange{}, nil
	d.mu.Unlock()
	if len(items) == 0 && len(events) == 0 && len(snaps) == 0 {
		return nil
	}
	tables, gens := maps.Clone(d.tables), maps.Clone(d.gens)
	first, next := d.auditFirst, d.auditNext
	err := d.write(items, events, snaps)
	if err != nil {
		d.tables, d.gens = tables, gens
		d.auditFirst, d.auditNext = first, next
		d.mu.Lock()
		d.audit = append(events, d.audit...)
		// A disk that stays full must not grow memory without bound: the
		// oldest events waiting go first, and are counted.
		if over := len(d.audit) - int(d.auditMax); over > 0 {
			d.audit = d.audit[over:]
			d.dropped += over
		}
		d.mu.Unlock()
	}
	return err
}

func (d *durable) write(items map[itemRef]itemChange, events [][]byte, snaps []snapshot) error {
	return d.update(func(tx *bolt.Tx) error {
		if d.fault != nil {
			if err := d.fault(); err != nil {
				return err
			}
		}
		st, all := tx.Bucket(bucketState), tx.Bucket(bucketItems)
		for ref, ch := range items {
			b, err := all.CreateBucketIfNotExists([]byte(ref.table))
			if err != nil {
				return err
			}
			k := itemKey(ref.part, ref.item)
			if ch.sealed == nil {
				err = d.del(b, itemsPath(ref.table), k)
			} else {
				err = d.put(b, itemsPath(ref.table), k, itemValue(ch.size, ch.sealed))
			}
			if err != nil {
				return err
			}
		}
		for _, s := range snaps {
			if err := d.save(tx, st, all, s); err != nil {
				return fmt.Errorf("save %s: %w", s, err)
			}
		}
		return d.appendAudit(tx.Bucket(bucketAudit), events)
	})
}

// appendAudit adds events to the trail and drops the oldest beyond its cap,
// by key: a delete through a cursor would walk the emptied leaves again.
func (d *durable) appendAudit(ab *bolt.Bucket, events [][]byte) error {
	for _, e := range events {
		k := auditKey(d.auditNext)
		if err := d.put(ab, "audit", k, e); err != nil {
			return err
		}
		d.auditNext++
	}
	if len(events) > 0 {
		if err := ab.SetSequence(d.auditNext - 1); err != nil {
			return err
		}
	}
	for d.auditNext-d.auditFirst > d.auditMax {
		if err := d.del(ab, "audit", auditKey(d.auditFirst)); err != nil {
			return err
		}
		d.auditFirst++
	}
	return nil
}

// save writes one snapshot. For a region's DynamoDB it also drops the items
// of tables gone and rewrites those of tables re-keyed since the last save.
func (d *durable) save(tx *bolt.Tx, st, all *bolt.Bucket, s snapshot) error {
	kind, region, _ := strings.Cut(string(s), "/")
	var b []byte
	var err error
	switch kind {
	case "iam":
		b, err = d.iam.MarshalState()
	case "kms":
		b, err = d.regions.get(region).kms.MarshalState()
	case "ddb":
		ddb := d.regions.get(region).dynamodb
		var tables []dynamodb.TableState
		b, tables, err = ddb.MarshalState()
		if err == nil {
			err = d.syncTables(all, ddb, region, tables)
		}
	default:
		err = fmt.Errorf("unknown snapshot")
	}
	if err != nil {
		return err
	}
	return d.put(st, "state", []byte(s), b)
}

func (d *durable) syncTables(all *bolt.Bucket, ddb *dynamodb.Service, region string, tables []dynamodb.TableState) error {
	live := map[string]bool{}
	for _, t := range tables {
		live[t.ID] = true
		gen, known := d.gens[t.ID]
		d.tables[t.ID], d.gens[t.ID] = region, t.Gen
		if !known || gen == t.Gen {
			continue
		}
		// Re-encrypted under a new table key: every stored item changed.
		if err := all.DeleteBucket([]byte(t.ID)); err != nil && !errors.Is(err, berrors.ErrBucketNotFound) {
			return err
		}
		delete(d.tx, itemsPath(t.ID))
		b, err := all.CreateBucket([]byte(t.ID))
		if err != nil {
			return err
		}
		var perr error
		path := itemsPath(t.ID)
		ddb.ItemsOf(t.ID, func(gen uint64, ph, ih, sealed []byte, size int) {
			d.gens[t.ID] = gen
			if perr == nil {
				perr = d.put(b, path, itemKey(string(ph), string(ih)), itemValue(size, sealed))
			}
		})
		if perr != nil {
			return perr
		}
	}
	for id, r := range d.tables {
		if r == region && !live[id] {
			if err := all.DeleteBucket([]byte(id)); err != nil && !errors.Is(err, berrors.ErrBucketNotFound) {
				return err
			}
			delete(d.tx, itemsPath(id))
			delete(d.tables, id)
			delete(d.gens, id)
		}
	}
	return nil
}

// rollback puts the state in memory back to what is on disk, after a commit
// that failed: nothing of the failed call stays visible. The caller holds
// the gate exclusively.
func (d *durable) rollback() error {
	d.mu.Lock()
	d.pending = map[itemRef]itemChange{}
	d.mu.Unlock()
	onDisk := map[string]int{}
	if err := d.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketState).Cursor()
		for _, prefix := range []string{"kms/", "ddb/"} {
			for k, _ := c.Seek([]byte(prefix)); k != nil && strings.HasPrefix(string(k), prefix); k, _ = c.Next() {
				onDisk[strings.TrimPrefix(string(k), prefix)]++
			}
		}
		return nil
	}); err != nil {
		return err
	}
	// A region first named by the failed call is not on disk: it goes, and
	// comes back empty when named again. So does one only half on disk (after
	// a repair): restore rebuilds it from the half there is.
	// The default region is always whole on disk (saved at open), and the
	// router holds its handlers: it is restored in place.
	d.regions.drop(func(name string) bool { return onDisk[name] < 2 && name != d.home })
	d.commitMu.Lock()
	defer d.commitMu.Unlock()
	clear(d.tables)
	clear(d.gens)
	return contain(func() error {
		_, err := d.restore()
		return err
	})
}

// flushAudit carries audit events of read-only calls to disk now and then.
func (d *durable) flushAudit() {
	defer close(d.done)
	tick := time.NewTicker(auditFlushEvery)
	defer tick.Stop()
	for {
		select {
		case <-d.stop:
			return
		case <-tick.C:
			d.mu.Lock()
			n := len(d.audit)
			d.mu.Unlock()
			if n > 0 {
				// Shared: no call's changes are pending while it holds it.
				d.gate.RLock()
				_ = d.commit()
				d.gate.RUnlock()
			}
		}
	}
}

// close saves what is pending and closes the file.
func (d *durable) close() error {
	d.closeOnce.Do(func() {
		close(d.stop)
		<-d.done
		d.closeErr = errors.Join(d.commit(), d.db.Close())
	})
	return d.closeErr
}

// auditMax is how many audit events the in-process trail keeps by default.
const auditMax = 10000

// openData opens the data dir and loads what it holds into the services.
func openData(dir, account, home string, auditDiskMax int, iamSvc *iam.Service, regs *regions, log *audit.Log) (*durable, bool, error) {
	d, err := openDurable(dir, auditDiskMax)
	if err != nil {
		return nil, false, err
	}
	d.iam, d.regions, d.home = iamSvc, regs, home
	// Every ARN saved names the account: another account id would turn them
	// all into foreign ones.
	if err := d.update(func(tx *bolt.Tx) error {
		st := tx.Bucket(bucketState)
		saved, err := getRecord(st, "state", []byte("account"))
		switch {
		case err != nil:
			return d.damaged("its account record fails its checksum")
		case saved == nil:
			return d.put(st, "state", []byte("account"), []byte(account))
		case string(saved) != account:
			return fmt.Errorf("data dir %s holds account %s, not %s: pass --account-id %s or name another directory", dir, saved, account, saved)
		}
		return nil
	}); err != nil {
		_ = d.db.Close()
		return nil, false, err
	}
	if err := d.restoreAudit(log); err != nil {
		_ = d.db.Close()
		return nil, false, err
	}
	var found bool
	err = contain(func() error {
		var err error
		found, err = d.restore()
		return err
	})
	if err != nil {
		_ = d.db.Close()
		var damage *DamageError
		if errors.As(err, &damage) && damage.Dir == "" {
			damage.Dir = dir
		}
		return nil, false, err
	}
	for _, r := range regs.all() {
		r.dynamodb.SetJournal(d)
	}
	return d, found, nil
}

// readOnly are the operation name prefixes that change nothing worth keeping
// (KMS's purge of keys past their deletion date follows from the clock).
var readOnly = []string{"Get", "List", "Describe", "Scan", "Query", "BatchGet", "TransactGet", "Encrypt", "Decrypt", "ReEncrypt", "GenerateDataKey", "GenerateRandom", "GenerateMac", "Sign", "Verify", "Simulate"}

func isReadOnly(op string) bool {
	for _, p := range readOnly {
		if strings.HasPrefix(op, p) {
			return true
		}
	}
	return false
}

// itemOps change items only, which the ItemJournal carries.
var itemOps = map[string]bool{"PutItem": true, "UpdateItem": true, "DeleteItem": true, "BatchWriteItem": true, "TransactWriteItems": true}

// hold is the router's way into the gate: a call that may change state runs
// alone, the others together. The returned func releases it.
func (d *durable) hold(op string) func() {
	if isReadOnly(op) {
		d.gate.RLock()
		return d.gate.RUnlock
	}
	d.gate.Lock()
	return d.gate.Unlock
}

// afterCall saves what the call may have changed; the router calls it
// before answering, so nothing is acknowledged before it is on disk. When
// the save fails, what the call changed in memory is rolled back.
func (d *durable) afterCall(service, region, op string) error {
	if isReadOnly(op) {
		return nil
	}
	var err error
	switch {
	case service == "iam":
		err = d.commit("iam")
	case service == "sts" && op == "AssumeRole":
		// The session it issued lives in IAM: a restart must know its credentials.
		err = d.commit("iam")
	case service == "kms" && (op == "ReplicateKey" || op == "UpdatePrimaryRegion"):
		// A multi-Region key's replica lives in another region's KMS; each
		// region is saved whole (its KMS with its DynamoDB), as below.
		var snaps []snapshot
		for _, r := range d.regions.all() {
			snaps = append(snaps, snapshot("kms/"+r.name), snapshot("ddb/"+r.name))
		}
		err = d.commit(snaps...)
	case service == "dynamodb" && itemOps[op]:
		err = d.commit()
	case service == "kms", service == "dynamodb":
		// A region's two services are saved together, so that a region is
		// either on disk whole or not at all (rollback relies on it), and
		// DynamoDB's control plane changes KMS too (grants for the table).
		err = d.commit(snapshot("kms/"+region), snapshot("ddb/"+region))
	default:
		return nil
	}
	if err != nil {
		if rerr := d.rollback(); rerr != nil {
			return errors.Join(err, fmt.Errorf("roll back: %w", rerr))
		}
	}
	return err
}
