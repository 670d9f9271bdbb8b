package dynamodb

import (
	"sync"
	"sync/atomic"
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
	grant  string // the grant DynamoDB holds on keyARN for the table, retired with it
}

// sameKey reports whether a and b encrypt under the same key, whatever grant.
func (a sseState) sameKey(b sseState) bool { return a.kind == b.kind && a.keyARN == b.keyARN }

type keyAttr struct {
	name string
	typ  attr.Type
}

type tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
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
	// rbp is the table's resource-based policy (nil: none). It is atomic, not under mu,
	// because every authorization reads it, some while another table's lock is held.
	rbp atomic.Pointer[tablePolicy]

	mu         sync.Mutex
	tags       []tag
	sse        sseState
	wrappedKey []byte
	gen        uint64 // bumped whenever the table key changes, so cached keys go stale
	deleted    bool
	items      partitions
	indexes    []*index // secondary indexes, in creation order
	count      int64
	size       int64
	journal    ItemJournal // told every item change; nil when nothing persists
	// inaccessible is the table's lost and regained KMS key (Options.Recovery).
	inaccessible inaccessibility
}

func (t *table) keyAttrs() []keyAttr {
	if t.rangeKey == nil {
		return []keyAttr{t.hashKey}
	}
	return []keyAttr{t.hashKey, *t.rangeKey}
}

// insert stores st in partition ph, replacing an item with the same hash. Callers hold t.mu.
func (t *table) insert(ph string, st *stored) {
	if old := t.items.put(ph, st); old != nil {
		t.count--
		t.size -= int64(old.size)
	}
	t.count++
	t.size += int64(st.size)
	if t.journal != nil {
		t.journal.ItemPut(t.id, []byte(ph), []byte(st.hash), st.sealed, st.size)
	}
}

// remove deletes the item with hash ih from partition ph. Callers hold t.mu.
func (t *table) remove(ph, ih string) {
	old := t.items.remove(ph, ih)
	if old == nil {
		return
	}
	t.count--
	t.size -= int64(old.size)
	if t.journal != nil {
		t.journal.ItemDelete(t.id, []byte(ph), []byte(ih))
	}
}
