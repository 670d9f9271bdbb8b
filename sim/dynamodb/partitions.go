package dynamodb

import "github.com/google/btree"

// stored is one item at rest: its index hash and its ciphertext. size is the plaintext item
// size DynamoDB reports in TableSizeBytes (as AWS does, a size is not a secret). hash is also
// the item's key in its partition, so the two share one string.
type stored struct {
	hash   string
	sealed []byte
	size   int
}

// partition holds the items sharing one partition key value. Most tables have no sort key,
// so most partitions hold one item: that one is kept inline, and a map exists only for a
// partition that holds more. A map per partition was most of what a small item cost.
type partition struct {
	one  *stored            // the only item, while the partition holds exactly one
	more map[string]*stored // by item hash, once it holds more than one
}

func (p *partition) len() int {
	if p.more != nil {
		return len(p.more)
	}
	return 1
}

func (p *partition) lookup(ih string) *stored {
	if p.more != nil {
		return p.more[ih]
	}
	if p.one.hash == ih {
		return p.one
	}
	return nil
}

// each calls f with every item of the partition, in no particular order, until f fails.
func (p *partition) each(f func(st *stored) error) error {
	if p.more == nil {
		return f(p.one)
	}
	for _, st := range p.more {
		if err := f(st); err != nil {
			return err
		}
	}
	return nil
}

// partitions is a table's stored items by partition hash. order keeps the hashes sorted, as
// Scan walks them (DynamoDB scans in hash order); a B-tree makes a new partition cost
// O(log n) where a sorted slice cost a copy of the whole slice.
type partitions struct {
	byHash map[string]*partition
	order  *btree.BTreeG[string]
}

func newPartitions() partitions {
	return partitions{byHash: map[string]*partition{}, order: btree.NewOrderedG[string](32)}
}

func (ps *partitions) get(ph string) *partition { return ps.byHash[ph] }

func (ps *partitions) lookup(ph, ih string) *stored {
	if p := ps.byHash[ph]; p != nil {
		return p.lookup(ih)
	}
	return nil
}

// put stores st in partition ph and returns the item it replaced, if any.
func (ps *partitions) put(ph string, st *stored) (old *stored) {
	p := ps.byHash[ph]
	switch {
	case p == nil:
		ps.byHash[ph] = &partition{one: st}
		ps.order.ReplaceOrInsert(ph)
		return nil
	case p.more != nil:
		old = p.more[st.hash]
		p.more[st.hash] = st
		return old
	case p.one.hash == st.hash:
		old, p.one = p.one, st
		return old
	default:
		p.more = map[string]*stored{p.one.hash: p.one, st.hash: st}
		p.one = nil
		return nil
	}
}

// remove deletes the item with hash ih from partition ph and returns it, or nil if there is none.
func (ps *partitions) remove(ph, ih string) (old *stored) {
	p := ps.byHash[ph]
	if p == nil {
		return nil
	}
	if old = p.lookup(ih); old == nil {
		return nil
	}
	if p.more == nil {
		delete(ps.byHash, ph)
		ps.order.Delete(ph)
		return old
	}
	delete(p.more, ih)
	if len(p.more) == 1 {
		for _, st := range p.more {
			p.one = st
		}
		p.more = nil
	}
	return old
}

// ascend calls f with each partition whose hash is from or after it, in hash order, until f
// returns false.
func (ps *partitions) ascend(from string, f func(ph string, p *partition) bool) {
	ps.order.AscendGreaterOrEqual(from, func(ph string) bool { return f(ph, ps.byHash[ph]) })
}

// each calls f with every stored item, partitions in hash order, until f fails.
func (ps *partitions) each(f func(ph string, st *stored) error) error {
	var err error
	ps.ascend("", func(ph string, p *partition) bool {
		err = p.each(func(st *stored) error { return f(ph, st) })
		return err == nil
	})
	return err
}
