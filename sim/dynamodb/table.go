package dynamodb

import (
	"sort"
	"sync"
	"time"

	"kmslab/sim/dynamodb/attr"
)

// sseKind is who owns the key a table is encrypted under.
type sseKind int

const (
	sseOwned   sseKind = iota // the AWS owned key: no KMS key in the account, no SSEDescription
	sseManaged                // the AWS managed key alias/aws/dynamodb
	sseCMK                    // a customer managed key
)

type sseState struct {
	kind   sseKind
	keyARN string
}

type keyAttr struct {
	name string
	typ  attr.Type
}

type tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// stored is one item at rest: its index hash and its ciphertext. size is the plaintext item
// size DynamoDB reports in TableSizeBytes (as AWS does, a size is not a secret).
type stored struct {
	hash   []byte
	sealed []byte
	size   int
}

// partition holds the items sharing one partition key value, by item hash.
type partition struct {
	items map[string]*stored
}

// table is one table's metadata and its encrypted items. Items are found only through
// keyed hashes, so without the table key the store reveals nothing but counts and sizes.
type table struct {
	name, arn, id string
	created       time.Time
	ready         time.Time // ACTIVE from then on
	hashKey       keyAttr
	rangeKey      *keyAttr
	attrDefs      []attributeDefinition
	billing       string
	rcu, wcu      int64
	protected     bool

	mu         sync.Mutex
	tags       []tag
	sse        sseState
	wrappedKey []byte
	gen        uint64 // bumped whenever the table key changes, so cached keys go stale
	deleted    bool
	partitions map[string]*partition
	indexes    []*index // secondary indexes, in creation order
	order      []string // partition hashes, sorted: Scan's order, as DynamoDB scans in hash order
	count      int64
	size       int64
	journal    ItemJournal // told every item change; nil when nothing persists
}

func (t *table) keyAttrs() []keyAttr {
	if t.rangeKey == nil {
		return []keyAttr{t.hashKey}
	}
	return []keyAttr{t.hashKey, *t.rangeKey}
}

// insert stores st in partition ph, replacing an item with the same hash. Callers hold t.mu.
func (t *table) insert(ph string, st *stored) {
	p := t.partitions[ph]
	if p == nil {
		p = &partition{items: map[string]*stored{}}
		t.partitions[ph] = p
		i := sort.SearchStrings(t.order, ph)
		t.order = append(t.order, "")
		copy(t.order[i+1:], t.order[i:])
		t.order[i] = ph
	}
	if old := p.items[string(st.hash)]; old != nil {
		t.count--
		t.size -= int64(old.size)
	}
	p.items[string(st.hash)] = st
	t.count++
	t.size += int64(st.size)
	if t.journal != nil {
		t.journal.ItemPut(t.id, []byte(ph), st.hash, st.sealed, st.size)
	}
}

// remove deletes the item with hash ih from partition ph. Callers hold t.mu.
func (t *table) remove(ph, ih string) {
	p := t.partitions[ph]
	if p == nil {
		return
	}
	old := p.items[ih]
	if old == nil {
		return
	}
	delete(p.items, ih)
	t.count--
	t.size -= int64(old.size)
	if t.journal != nil {
		t.journal.ItemDelete(t.id, []byte(ph), []byte(ih))
	}
	if len(p.items) == 0 {
		delete(t.partitions, ph)
		i := sort.SearchStrings(t.order, ph)
		if i < len(t.order) && t.order[i] == ph {
			t.order = append(t.order[:i], t.order[i+1:]...)
		}
	}
}

// lookup returns the stored item, or nil. Callers hold t.mu.
func (t *table) lookup(ph, ih string) *stored {
	if p := t.partitions[ph]; p != nil {
		return p.items[ih]
	}
	return nil
}
