package sim

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"runtime/debug"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// DamageError is a data file found damaged: it is refused and left as it is.
type DamageError struct {
	Dir  string // the data dir
	What string // what is damaged, in a few words
}

func (e *DamageError) Error() string {
	return fmt.Sprintf("the data file in %s is damaged (%s), so it was not opened and is kept as it is: run kmslab serve --data-dir %s --repair to save what can be read into a new file",
		e.Dir, e.What, e.Dir)
}

// contain runs f so that no damage on disk can crash the process: bbolt reads
// its pages through mmap, and a damaged file makes it panic or fault (a read
// past the end of a truncated file is SIGBUS, a wild offset SIGSEGV). f runs
// on a goroutine of its own with SetPanicOnFault, which turns such a fault
// into a panic there, and every panic is recovered into an error. Only f's
// own goroutine is covered: f must not hand pages to other goroutines.
func contain(f func() error) (err error) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		debug.SetPanicOnFault(true)
		defer func() {
			if p := recover(); p != nil {
				err = panicked{p}
			}
		}()
		err = f()
	}()
	<-done
	return err
}

// panicked is a panic or memory fault that contain caught.
type panicked struct{ v any }

func (p panicked) Error() string { return fmt.Sprintf("reading it failed: %v", p.v) }

// isDamage reports whether err from opening or reading a data file means the
// file is damaged (rather than, say, unreadable for its permissions).
func isDamage(err error) bool {
	var p panicked
	var d *DamageError
	return errors.As(err, &p) || errors.As(err, &d) ||
		errors.Is(err, berrors.ErrInvalid) || errors.Is(err, berrors.ErrChecksum) ||
		errors.Is(err, berrors.ErrVersionMismatch) || errors.Is(err, berrors.ErrInvalidMapping)
}

// bbolt's on-disk layout, as far as the checks below read it (bbolt v1.x,
// internal/common/page.go and meta.go; little endian on every platform kmslab
// builds for).
const (
	boltMagic        = 0xED0CDAED
	boltVersion      = 2
	boltPageHeader   = 16
	boltFreelistFlag = 0x10
	boltBranchFlag   = 0x01
	boltLeafFlag     = 0x02
	boltNoFreelist   = ^uint64(0)
	boltMinPageSize  = 1024
	boltMaxPageSize  = 64 << 10
	boltMetaSize     = 64
)

type boltMeta struct {
	pageSize         uint32
	root, free, high uint64 // root bucket page, freelist page, high water mark (pages)
	txid             uint64
}

// parseMeta reads the meta page at b (a page header, then the meta).
func parseMeta(b []byte) (boltMeta, bool) {
	if len(b) < boltPageHeader+boltMetaSize {
		return boltMeta{}, false
	}
	m := b[boltPageHeader : boltPageHeader+boltMetaSize]
	le := binary.LittleEndian
	if le.Uint32(m[0:]) != boltMagic || le.Uint32(m[4:]) != boltVersion {
		return boltMeta{}, false
	}
	h := fnv.New64a()
	h.Write(m[:56])
	if h.Sum64() != le.Uint64(m[56:]) {
		return boltMeta{}, false
	}
	return boltMeta{pageSize: le.Uint32(m[8:]), root: le.Uint64(m[16:]), free: le.Uint64(m[32:]), high: le.Uint64(m[40:]), txid: le.Uint64(m[48:])}, true
}

// precheck looks at the file before bbolt maps it, for what would make bbolt
// crash or silently start afresh: an empty file (bbolt would initialise it: an
// empty account, without a word), a file shorter than its own high water mark
// (a truncation: pages past the end fault when read), and a freelist or root
// page that is not one. It returns "" when nothing is wrong.
func precheck(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", err
	}
	size := fi.Size()
	if size == 0 {
		return "the file is empty, 0 bytes", nil
	}
	head := make([]byte, 2*boltMaxPageSize)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", err
	}
	head = head[:n]
	// Meta 0 is at offset 0, meta 1 one page further: its size is meta 0's,
	// or the OS page size when meta 0 is gone.
	m0, ok0 := parseMeta(head)
	second := int64(os.Getpagesize())
	if ok0 {
		second = int64(m0.pageSize)
	}
	var m1 boltMeta
	ok1 := false
	if second >= boltMinPageSize && second <= boltMaxPageSize && int64(len(head)) > second {
		m1, ok1 = parseMeta(head[second:])
	}
	m, ok := m0, ok0
	if ok1 && (!ok0 || m1.txid > m0.txid) {
		m, ok = m1, true
	}
	if !ok {
		return "neither of its two header pages is valid", nil
	}
	if !ok0 || !ok1 {
		// bbolt would fall back to the other one, the transaction before: the
		// last acknowledged change would be gone without a word.
		return "one of its two header pages is damaged", nil
	}
	ps := int64(m.pageSize)
	if ps < boltMinPageSize || ps > boltMaxPageSize || ps&(ps-1) != 0 {
		return fmt.Sprintf("its header names a page size of %d bytes", ps), nil
	}
	if m.high > uint64(size/ps) {
		return fmt.Sprintf("it is %d bytes long, shorter than the %d pages its header counts: it was truncated", size, m.high), nil
	}
	if m.root < 2 || m.root >= m.high {
		return "its header points outside the file", nil
	}
	page := func(id uint64) (flags, count uint16, overflow uint32, first uint64, err error) {
		b := make([]byte, boltPageHeader+8)
		if _, err = f.ReadAt(b, int64(id)*ps); err != nil {
			return
		}
		le := binary.LittleEndian
		return le.Uint16(b[8:]), le.Uint16(b[10:]), le.Uint32(b[12:]), le.Uint64(b[16:]), nil
	}
	flags, _, overflow, _, err := page(m.root)
	if err != nil {
		return "", err
	}
	if flags != boltLeafFlag && flags != boltBranchFlag || m.root+uint64(overflow) >= m.high {
		return fmt.Sprintf("its root page %d is not a tree page", m.root), nil
	}
	if m.free != boltNoFreelist {
		if m.free < 2 || m.free >= m.high {
			return "its header points outside the file", nil
		}
		flags, count, overflow, first, err := page(m.free)
		if err != nil {
			return "", err
		}
		ids := uint64(count)
		if count == 0xFFFF {
			ids = first + 1
		}
		if flags != boltFreelistFlag || m.free+uint64(overflow) >= m.high || boltPageHeader+ids*8 > (uint64(overflow)+1)*uint64(ps) {
			return fmt.Sprintf("its free page list (page %d) is damaged", m.free), nil
		}
	}
	return "", nil
}

// verify reads every record of db through bbolt (in the caller's goroutine,
// which contain covers), after checkPages has vetted its pages, and checks
// each record's seal and that the file holds exactly kmslab's sections. It
// returns what is damaged, or "".
func verify(db *bolt.DB) (string, map[string]int, error) {
	what := ""
	counts := map[string]int{}
	err := db.View(func(tx *bolt.Tx) error {
		seen := map[string]bool{}
		err := tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			seen[string(name)] = true
			switch {
			case bytes.Equal(name, bucketState), bytes.Equal(name, bucketAudit):
				what = verifyBucket(string(name), b, counts)
			case bytes.Equal(name, bucketItems):
				what = verifyItems(b, counts)
			default:
				what = fmt.Sprintf("an unknown section %q", name)
			}
			if what != "" {
				return errStop
			}
			return nil
		})
		if err != nil && !errors.Is(err, errStop) {
			return err
		}
		if what != "" {
			return nil
		}
		for _, b := range [][]byte{bucketState, bucketItems, bucketAudit} {
			if !seen[string(b)] {
				what = fmt.Sprintf("its %q section is missing", b)
				return nil
			}
		}
		return nil
	})
	return what, counts, err
}

var errStop = errors.New("stop")

// legacy reports whether db was written before records carried checksums:
// it has no format record and its account record is the bare 12 digits those
// wrote (a current file whose format record is damaged has a sealed one).
// Only --repair opens it, converting.
func legacy(db *bolt.DB) bool {
	old := false
	_ = db.View(func(tx *bolt.Tx) error {
		st := tx.Bucket(bucketState)
		if st == nil || st.Get([]byte("format")) != nil {
			return nil
		}
		acct := st.Get([]byte("account"))
		old = len(acct) == 12
		for _, c := range acct {
			old = old && c >= '0' && c <= '9'
		}
		return nil
	})
	return old
}

func verifyBucket(path string, b *bolt.Bucket, counts map[string]int) string {
	what := ""
	_ = b.ForEach(func(k, v []byte) error {
		if v == nil {
			what = fmt.Sprintf("an unexpected section inside %q", path)
			return errStop
		}
		if _, err := openRecord(path, k, v); err != nil {
			what = fmt.Sprintf("a record in %q fails its checksum", path)
			return errStop
		}
		if path != "state" || string(k) != countsKey {
			counts[path]++
		}
		return nil
	})
	return what
}

func verifyItems(all *bolt.Bucket, counts map[string]int) string {
	what := ""
	_ = all.ForEach(func(k, v []byte) error {
		b := all.Bucket(k)
		if v != nil || b == nil {
			what = "a stray record among the tables' items"
			return errStop
		}
		what = verifyBucket(itemsPath(string(k)), b, counts)
		if what != "" {
			return errStop
		}
		return nil
	})
	return what
}

func itemsPath(tableID string) string { return "items/" + tableID }
