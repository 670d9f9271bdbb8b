package sim

import (
	"encoding/binary"
	"fmt"
	"os"
)

// checkPages walks the bbolt file at path as bytes read into memory, never
// through bbolt's memory map, so that no damage can fault or crash it: every
// page reachable from the root (branch and leaf pages, buckets' own trees and
// inline pages) must name itself, have a known type, fit in the file and the
// high water mark, and be referenced once; none may also be on the free list.
// These are the invariants bbolt's Tx.Check verifies, whose own walk runs on
// a goroutine of its own where a fault cannot be contained (a page header
// with a wild overflow count faulted it in FuzzDataFileDamage). It returns
// what is damaged, or "".
func checkPages(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	m0, ok0 := parseMeta(data)
	var m1 boltMeta
	ok1 := false
	if ok0 && int(m0.pageSize) < len(data) {
		m1, ok1 = parseMeta(data[m0.pageSize:])
	}
	m := m0
	if ok1 && m1.txid > m0.txid {
		m = m1
	}
	if !ok0 {
		return "its first header page is damaged", nil
	}
	w := &pageWalker{data: data, ps: uint64(m.pageSize), high: m.high, seen: map[uint64]bool{0: true, 1: true}, free: map[uint64]bool{}}
	if m.free != boltNoFreelist {
		if what := w.freelist(m.free); what != "" {
			return what, nil
		}
	}
	return w.tree(m.root, 0), nil
}

type pageWalker struct {
	data     []byte
	ps, high uint64
	seen     map[uint64]bool
	free     map[uint64]bool
}

const maxTreeDepth = 64

var le = binary.LittleEndian

// page returns the bytes of page id and its overflow pages, once checked.
func (w *pageWalker) page(id uint64) ([]byte, string) {
	if id < 2 || id >= w.high || (id+1)*w.ps > uint64(len(w.data)) {
		return nil, fmt.Sprintf("a reference to page %d, outside the file", id)
	}
	h := w.data[id*w.ps:]
	if le.Uint64(h) != id {
		return nil, fmt.Sprintf("page %d names itself %d", id, le.Uint64(h))
	}
	overflow := uint64(le.Uint32(h[12:]))
	if id+overflow >= w.high || (id+overflow+1)*w.ps > uint64(len(w.data)) {
		return nil, fmt.Sprintf("page %d runs past the end of the file", id)
	}
	return w.data[id*w.ps : (id+overflow+1)*w.ps], ""
}

// mark records the pages of p (starting at id) as reachable.
func (w *pageWalker) mark(id uint64, p []byte) string {
	for i := id; i < id+uint64(len(p))/w.ps; i++ {
		if w.seen[i] {
			return fmt.Sprintf("page %d is referenced twice", i)
		}
		if w.free[i] {
			return fmt.Sprintf("page %d is in use and on the free list", i)
		}
		w.seen[i] = true
	}
	return ""
}

func (w *pageWalker) freelist(id uint64) string {
	p, what := w.page(id)
	if what != "" {
		return what
	}
	if le.Uint16(p[8:]) != boltFreelistFlag {
		return fmt.Sprintf("its free page list (page %d) is damaged", id)
	}
	n, at := uint64(le.Uint16(p[10:])), uint64(boltPageHeader)
	if n == 0xFFFF {
		n, at = le.Uint64(p[boltPageHeader:]), at+8
	}
	if n > uint64(len(p)) || at+n*8 > uint64(len(p)) {
		return fmt.Sprintf("its free page list (page %d) is damaged", id)
	}
	for i := range n {
		f := le.Uint64(p[at+i*8:])
		if f < 2 || f >= w.high {
			return fmt.Sprintf("its free page list names page %d, outside the file", f)
		}
		w.free[f] = true
	}
	return w.mark(id, p)
}

// tree checks the tree of pages rooted at id.
func (w *pageWalker) tree(id uint64, depth int) string {
	if depth > maxTreeDepth {
		return "its page tree is deeper than any bbolt writes"
	}
	p, what := w.page(id)
	if what == "" {
		what = w.mark(id, p)
	}
	if what != "" {
		return what
	}
	return w.elements(p, fmt.Sprintf("page %d", id), depth)
}

// elements checks the elements of a branch or leaf page p (a page of the
// file, or a bucket's inline page).
func (w *pageWalker) elements(p []byte, name string, depth int) string {
	if len(p) < boltPageHeader {
		return name + " is cut short"
	}
	flags, count := le.Uint16(p[8:]), uint64(le.Uint16(p[10:]))
	const elemSize = 16
	if boltPageHeader+count*elemSize > uint64(len(p)) {
		return name + " counts more elements than it holds"
	}
	for i := range count {
		at := boltPageHeader + i*elemSize
		e := p[at:]
		switch flags {
		case boltBranchFlag:
			pos, ksize := uint64(le.Uint32(e)), uint64(le.Uint32(e[4:]))
			if at+pos+ksize > uint64(len(p)) {
				return name + " has a key outside it"
			}
			if what := w.tree(le.Uint64(e[8:]), depth+1); what != "" {
				return what
			}
		case boltLeafFlag:
			eflags, pos, ksize, vsize := le.Uint32(e), uint64(le.Uint32(e[4:])), uint64(le.Uint32(e[8:])), uint64(le.Uint32(e[12:]))
			if at+pos+ksize+vsize > uint64(len(p)) {
				return name + " has a key or value outside it"
			}
			if eflags&1 == 0 { // a key and its value
				continue
			}
			v := p[at+pos+ksize : at+pos+ksize+vsize]
			if len(v) < 16 {
				return name + " holds a damaged bucket header"
			}
			if root := le.Uint64(v); root != 0 {
				if what := w.tree(root, depth+1); what != "" {
					return what
				}
			} else if what := w.elements(v[16:], name+"'s inline bucket", depth+1); what != "" {
				return what
			}
		default:
			return fmt.Sprintf("%s is neither a branch nor a leaf page", name)
		}
	}
	return ""
}
