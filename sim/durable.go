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
//	state/iam            IAM's users, keys, policies, groups, roles, STS sessions (MarshalState)
//	state/kms/<region>   a region's KMS keys, key material included
//	state/ddb/<region>   a region's tables, without items
//	items/<table id>/    one entry per item: partition hash, item hash -> size, ciphertext
//	audit/<seq>          every audit event, one JSON document each
//
// Small state is snapshotted whole after each operation that may change it;
// items are written through one by one (dynamodb.ItemJournal), as ciphertext.
var (
	bucketState = []byte("state")
	bucketItems = []byte("items")
	bucketAudit = []byte("audit")
)

const dataFile = "kmslab.db"

// auditFlushEvery bounds how long an audit event waits for a write to carry
// it to disk when the calls are only reads.
const auditFlushEvery = 200 * time.Millisecond

type itemRef struct{ table, part, item string }

type itemChange struct {
	sealed []byte // nil: deleted
	size   int
}

// durable is the persistence of one Server.
type durable struct {
	db      *bolt.DB
	iam     *iam.Service
	regions *regions

	// commitMu is held from taking the pending changes to the end of their
	// transaction: a request that finds nothing pending must still wait for
	// the transaction carrying its change before it answers.
	commitMu sync.Mutex
	tables   map[string]string // table id -> region, of the tables on disk; under commitMu
	gens     map[string]uint64 // table id -> generation of its items on disk; under commitMu

	mu      sync.Mutex // guards what follows
	pending map[itemRef]itemChange
	audit   [][]byte

	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once
	closeErr  error
}

// openDurable opens (or creates) the data dir, private to the user.
func openDurable(dir string) (*durable, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	// MkdirAll leaves an existing directory's mode alone. Key material and
	// secrets go in there, so it must be private. An empty one (just made by
	// mkdir) is made so; one with content may be shared on purpose (a home, a
	// project), so say so rather than change its mode behind the user's back.
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("data dir %s is not a directory", dir)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return nil, fmt.Errorf("data dir: %w", err)
		}
		if len(entries) > 0 {
			return nil, fmt.Errorf("data dir %s is open to other users (mode %v) and would hold key material: chmod 700 it or name a new directory", dir, fi.Mode().Perm())
		}
		if err := os.Chmod(dir, 0o700); err != nil {
			return nil, fmt.Errorf("data dir: %w", err)
		}
	}
	db, err := bolt.Open(filepath.Join(dir, dataFile), 0o600, &bolt.Options{Timeout: time.Second})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("data dir %s is in use by another kmslab serve: stop it or pick another --data-dir", dir)
	}
	if err != nil {
		return nil, fmt.Errorf("open data dir %s: %w", dir, err)
	}
	if err := os.Chmod(filepath.Join(dir, dataFile), 0o600); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("data dir: %w", err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketState, bucketItems, bucketAudit} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("open data dir %s: %w", dir, err)
	}
	return &durable{
		db: db, tables: map[string]string{}, gens: map[string]uint64{},
		pending: map[itemRef]itemChange{},
		stop:    make(chan struct{}), done: make(chan struct{}),
	}, nil
}

// restoreAudit replays the newest max events kept on disk into log, which
// must have no sink yet (they are in the audit log file already), and drops
// older ones from disk.
func (d *durable) restoreAudit(log *audit.Log, max int) error {
	var n int
	if err := d.db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketAudit).Stats().KeyN
		return nil
	}); err != nil {
		return err
	}
	if n > max {
		// Only a write transaction (an fsync) when there is something to drop.
		if err := d.db.Update(func(tx *bolt.Tx) error {
			c := tx.Bucket(bucketAudit).Cursor()
			for k, _ := c.First(); k != nil && n > max; k, _ = c.First() {
				if err := c.Delete(); err != nil {
					return err
				}
				n--
			}
			return nil
		}); err != nil {
			return fmt.Errorf("trim audit trail: %w", err)
		}
	}
	if !log.Keeps() {
		return nil
	}
	return d.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketAudit).ForEach(func(_, v []byte) error {
			var e audit.Event
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("restore audit event: %w", err)
			}
			log.Record(e)
			return nil
		})
	})
}

// restore loads IAM and every region saved. It reports whether there was
// any saved state (false: a fresh data dir).
func (d *durable) restore() (bool, error) {
	found := false
	err := d.db.View(func(tx *bolt.Tx) error {
		st := tx.Bucket(bucketState)
		if v := st.Get([]byte("iam")); v != nil {
			found = true
			if err := d.iam.RestoreState(v); err != nil {
				return err
			}
		}
		// KMS first: a region's tables name its keys.
		for _, prefix := range []string{"kms/", "ddb/"} {
			c := st.Cursor()
			for k, v := c.Seek([]byte(prefix)); k != nil && strings.HasPrefix(string(k), prefix); k, v = c.Next() {
				region := strings.TrimPrefix(string(k), prefix)
				if !validRegion(region) {
					return fmt.Errorf("restore: saved state for region %q", region)
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
		return nil
	})
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
	return b.ForEach(func(k, v []byte) error {
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
// snapshots in one transaction, and returns once it is on disk.
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
	err := d.write(items, events, snaps)
	if err != nil {
		// Nothing of it is on disk: keep it for the next commit, behind any
		// newer change of the same item, and forget what the failed
		// transaction would have recorded of the tables.
		d.tables, d.gens = tables, gens
		d.mu.Lock()
		for ref, ch := range items {
			if _, newer := d.pending[ref]; !newer {
				d.pending[ref] = ch
			}
		}
		d.audit = append(events, d.audit...)
		d.mu.Unlock()
	}
	return err
}

func (d *durable) write(items map[itemRef]itemChange, events [][]byte, snaps []snapshot) error {
	return d.db.Update(func(tx *bolt.Tx) error {
		st, all := tx.Bucket(bucketState), tx.Bucket(bucketItems)
		for ref, ch := range items {
			b, err := all.CreateBucketIfNotExists([]byte(ref.table))
			if err != nil {
				return err
			}
			if ch.sealed == nil {
				err = b.Delete(itemKey(ref.part, ref.item))
			} else {
				err = b.Put(itemKey(ref.part, ref.item), itemValue(ch.size, ch.sealed))
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
		ab := tx.Bucket(bucketAudit)
		for _, e := range events {
			seq, err := ab.NextSequence()
			if err != nil {
				return err
			}
			if err := ab.Put(binary.BigEndian.AppendUint64(nil, seq), e); err != nil {
				return err
			}
		}
		return nil
	})
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
	return st.Put([]byte(s), b)
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
		b, err := all.CreateBucket([]byte(t.ID))
		if err != nil {
			return err
		}
		var perr error
		ddb.ItemsOf(t.ID, func(gen uint64, ph, ih, sealed []byte, size int) {
			d.gens[t.ID] = gen
			if perr == nil {
				perr = b.Put(itemKey(string(ph), string(ih)), itemValue(size, sealed))
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
			delete(d.tables, id)
			delete(d.gens, id)
		}
	}
	return nil
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
				_ = d.commit()
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

// auditMax is how many audit events the in-process trail keeps, and so how
// many are restored from the data dir.
const auditMax = 10000

// openData opens the data dir and loads what it holds into the services.
func openData(dir, account string, iamSvc *iam.Service, regs *regions, log *audit.Log) (*durable, bool, error) {
	d, err := openDurable(dir)
	if err != nil {
		return nil, false, err
	}
	d.iam, d.regions = iamSvc, regs
	// Every ARN saved names the account: another account id would turn them
	// all into foreign ones.
	if err := d.db.Update(func(tx *bolt.Tx) error {
		st := tx.Bucket(bucketState)
		switch saved := st.Get([]byte("account")); {
		case saved == nil:
			return st.Put([]byte("account"), []byte(account))
		case string(saved) != account:
			return fmt.Errorf("data dir %s holds account %s, not %s: pass --account-id %s or name another directory", dir, saved, account, saved)
		}
		return nil
	}); err != nil {
		_ = d.db.Close()
		return nil, false, err
	}
	if err := d.restoreAudit(log, auditMax); err != nil {
		_ = d.db.Close()
		return nil, false, err
	}
	found, err := d.restore()
	if err != nil {
		_ = d.db.Close()
		return nil, false, err
	}
	for _, r := range regs.all() {
		r.dynamodb.SetJournal(d)
	}
	return d, found, nil
}

// readOnly are the operation name prefixes that change nothing worth keeping
// (KMS's purge of keys past their deletion date follows from the clock).
var readOnly = []string{"Get", "List", "Describe", "Scan", "Query", "BatchGet", "TransactGet", "Encrypt", "Decrypt", "ReEncrypt", "GenerateDataKey", "GenerateRandom", "Simulate"}

// itemOps change items only, which the ItemJournal carries.
var itemOps = map[string]bool{"PutItem": true, "UpdateItem": true, "DeleteItem": true, "BatchWriteItem": true, "TransactWriteItems": true}

// afterCall saves what the call may have changed; the router calls it
// before answering, so nothing is acknowledged before it is on disk.
func (d *durable) afterCall(service, region, op string) error {
	for _, p := range readOnly {
		if strings.HasPrefix(op, p) {
			return nil
		}
	}
	switch {
	case service == "iam":
		return d.commit("iam")
	case service == "sts" && op == "AssumeRole":
		// The session it issued lives in IAM: a restart must know its credentials.
		return d.commit("iam")
	case service == "kms" && (op == "ReplicateKey" || op == "UpdatePrimaryRegion"):
		// A multi-Region key's replica lives in another region's KMS.
		var snaps []snapshot
		for _, r := range d.regions.all() {
			snaps = append(snaps, snapshot("kms/"+r.name))
		}
		return d.commit(snaps...)
	case service == "kms":
		return d.commit(snapshot("kms/" + region))
	case service == "dynamodb" && itemOps[op]:
		return d.commit()
	case service == "dynamodb":
		// DynamoDB's control plane also changes KMS (grants for the table).
		return d.commit(snapshot("kms/"+region), snapshot("ddb/"+region))
	}
	return nil
}
