package dynamodb

import (
	"context"
	"sort"

	"kmslab/sim/dynamodb/attr"
)

// withKeys runs f with the table's working keys, holding the table lock. The keys are
// obtained as the caller before the lock is taken; if the table was re-keyed meanwhile, they
// are fetched again.
func (s *Service) withKeys(ctx context.Context, t *table, f func(k *tableKeys) error) error {
	for range 3 {
		k, err := s.tableKeysFor(ctx, t)
		if err != nil {
			return err
		}
		t.mu.Lock()
		if t.deleted {
			t.mu.Unlock()
			return errNoTable()
		}
		if t.gen != k.gen {
			t.mu.Unlock()
			continue
		}
		err = t.countIndexes(k)
		if err == nil {
			err = f(k)
		}
		t.mu.Unlock()
		return err
	}
	return errTableInUse("updated", t.name)
}

// get returns the item with the given key, or nil. Callers hold t.mu.
func (t *table) get(k *tableKeys, h attr.Value, r *attr.Value) (attr.Item, error) {
	ih := k.itemHash(h, r)
	st := t.items.lookup(k.partHash(h), ih)
	if st == nil {
		return nil, nil
	}
	return open(k, t.name, ih, st.sealed)
}

// put encrypts and stores it (a complete, valid item). Callers hold t.mu.
func (s *Service) put(t *table, k *tableKeys, it attr.Item) error {
	h, r := t.keyValues(it)
	ih := k.itemHash(h, r)
	sealed, err := s.seal(k, t.name, ih, it)
	if err != nil {
		return err
	}
	t.insert(k.partHash(h), &stored{hash: ih, sealed: sealed, size: it.Size()})
	t.indexPut(ih, it)
	return nil
}

// del removes the item with the given key. Callers hold t.mu.
func (t *table) del(k *tableKeys, h attr.Value, r *attr.Value) {
	ih := k.itemHash(h, r)
	t.remove(k.partHash(h), ih)
	t.indexDel(ih)
}

// partitionItems decrypts the items of one partition, ordered by sort key. Callers hold t.mu.
func (t *table) partitionItems(k *tableKeys, ph string) ([]attr.Item, error) {
	p := t.items.get(ph)
	if p == nil {
		return nil, nil
	}
	items := make([]attr.Item, 0, p.len())
	err := p.each(func(st *stored) error {
		it, err := open(k, t.name, st.hash, st.sealed)
		items = append(items, it)
		return err
	})
	if err != nil {
		return nil, err
	}
	if t.rangeKey != nil {
		name := t.rangeKey.name
		sort.Slice(items, func(i, j int) bool { return attr.Compare(items[i][name], items[j][name]) < 0 })
	}
	return items, nil
}
