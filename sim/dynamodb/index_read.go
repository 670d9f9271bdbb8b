package dynamodb

import (
	"sort"
	"time"

	"kmslab/sim/dynamodb/attr"
	"kmslab/sim/dynamodb/expr"
)

// readIndex resolves a Query or Scan's IndexName (nil: the table itself) and checks what the
// request may ask of that index, after the table is found, as AWS does.
func (in *readInput) readIndex(t *table, now time.Time) (*index, error) {
	if in.IndexName == "" {
		return nil, nil
	}
	ix := t.index(in.IndexName)
	if ix == nil {
		return nil, errUnsupportedIndex(in.IndexName)
	}
	if ix.global && isTrue(in.ConsistentRead) {
		return nil, validationErr("Consistent reads are not supported on global secondary indexes")
	}
	if ix.global && in.Select == "ALL_ATTRIBUTES" && ix.projection.ProjectionType != "ALL" {
		return nil, validationErr(msgInvalid+"Select type ALL_ATTRIBUTES is not supported for global secondary index %s because its projection type is not ALL", ix.name)
	}
	if ix.global && now.Before(ix.ready) {
		return nil, validationErr("Cannot read from backfilling global secondary index: %s", ix.name)
	}
	return ix, nil
}

// indexKeyCondition parses a Query's KeyConditionExpression against an index's key schema.
func (e *exprs) indexKeyCondition(src string, ix *index) (*keyCondition, error) {
	e.parsed = true
	if ix.multiAttribute() {
		var schema expr.MultiKeySchema
		for _, k := range ix.hashKeys {
			schema.Hash = append(schema.Hash, expr.KeyAttr{Name: k.name, Type: k.typ})
		}
		for _, k := range ix.rangeKeys {
			schema.Range = append(schema.Range, expr.KeyAttr{Name: k.name, Type: k.typ})
		}
		mkc, err := expr.ParseMultiKeyCondition(src, e.sc, schema)
		if err != nil {
			return nil, asValidation(err)
		}
		return &keyCondition{hashes: mkc.HashValues, multi: mkc}, nil
	}
	schema := expr.KeySchema{Hash: ix.hashKeys[0].name, HashType: ix.hashKeys[0].typ}
	if len(ix.rangeKeys) == 1 {
		schema.Range, schema.RangeType = ix.rangeKeys[0].name, ix.rangeKeys[0].typ
	}
	kc, err := expr.ParseKeyCondition(src, e.sc, schema)
	if err != nil {
		return nil, asValidation(err)
	}
	return &keyCondition{hash: kc.HashValue, hashes: []attr.Value{kc.HashValue}, kc: kc}, nil
}

// indexStartKey checks an ExclusiveStartKey (present) on an index: exactly the table's and
// the index's key attributes, with their types.
func (in *readInput) indexStartKey(t *table, ix *index) (attr.Item, error) {
	want := map[string]attr.Type{}
	for _, k := range append(t.keyAttrs(), ix.keyAttrs()...) {
		want[k.name] = k.typ
	}
	if len(in.ExclusiveStartKey) != len(want) {
		return nil, errBadStartKey()
	}
	for name, typ := range want {
		v, ok := in.ExclusiveStartKey[name]
		if !ok || v.Type != typ || attr.CheckKey(name, v, typ, false) != nil {
			return nil, errBadStartKey()
		}
	}
	return in.ExclusiveStartKey, nil
}

// indexEntry is one item of an index and the keyed hash of its index partition key.
type indexEntry struct {
	ph string
	it attr.Item
}

// cmpInPartition orders two items of one index partition: by the index sort key, then by
// the table's key, so that paging has a total order.
func (t *table) cmpInPartition(ix *index, a, b attr.Item) int {
	for _, k := range ix.rangeKeys {
		if c := attr.Compare(a[k.name], b[k.name]); c != 0 {
			return c
		}
	}
	for _, k := range t.keyAttrs() {
		if c := attr.Compare(a[k.name], b[k.name]); c != 0 {
			return c
		}
	}
	return 0
}

// indexItems decrypts the items of the table that appear in ix (those with every index key
// attribute) and orders them as the index does: by partition hash, then cmpInPartition.
// only, when not empty, keeps one index partition. Callers hold t.mu.
func (t *table) indexItems(k *tableKeys, ix *index, only string) ([]indexEntry, error) {
	var out []indexEntry
	err := t.items.each(func(_ string, st *stored) error {
		if _, ok := ix.members[st.hash]; ix.members != nil && !ok {
			return nil // not in the index: no need to decrypt it
		}
		it, err := open(k, t.name, st.hash, st.sealed)
		if err != nil {
			return err
		}
		if !ix.holds(it) {
			return nil
		}
		iph := k.partHashOf(ix.partValues(it))
		if only != "" && iph != only {
			return nil
		}
		out = append(out, indexEntry{ph: iph, it: it})
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].ph != out[j].ph {
			return out[i].ph < out[j].ph
		}
		return t.cmpInPartition(ix, out[i].it, out[j].it) < 0
	})
	return out, nil
}

// indexView is how a page reads items from an index: filters and projection expressions see
// a GSI's projected item (a GSI cannot fetch from its table) but an LSI's whole item (an LSI
// fetches what it does not project); whole returns items unprojected (Select ALL_ATTRIBUTES).
type indexView struct {
	t     *table
	ix    *index
	whole bool
}

func (v *indexView) view(it attr.Item) attr.Item {
	if v.ix.global {
		return v.ix.project(v.t, it)
	}
	return it
}

func (v *indexView) result(it attr.Item, proj *projection) attr.Item {
	switch {
	case proj != nil:
		return proj.apply(v.view(it))
	case v.whole:
		return it
	}
	return v.ix.project(v.t, it)
}

// lastKey is an index page's LastEvaluatedKey: the table's and the index's key attributes.
func (v *indexView) lastKey(it attr.Item) attr.Item {
	key := attr.Item{}
	for _, k := range append(v.t.keyAttrs(), v.ix.keyAttrs()...) {
		key[k.name] = it[k.name]
	}
	return key
}
