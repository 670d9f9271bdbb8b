package dynamodb

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"kmslab/sim/dynamodb/attr"
)

// ItemJournal learns every change to the items a table stores, as stored:
// partition and item hashes and the ciphertext, never a plaintext. `kmslab
// serve --data-dir` writes them through to disk. Calls come with the table's
// lock held, in the order the changes happen.
type ItemJournal interface {
	ItemPut(tableID string, partHash, itemHash, sealed []byte, size int)
	ItemDelete(tableID string, partHash, itemHash []byte)
}

// SetJournal makes every later item change of every table be told to j.
func (s *Service) SetJournal(j ItemJournal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.journal = j
	for _, t := range s.tables {
		t.mu.Lock()
		t.journal = j
		t.mu.Unlock()
	}
}

// TableState is the persistent form of a table without its items.
type TableState struct {
	Name, ARN, ID  string
	Created, Ready time.Time
	HashKey        keyAttrState
	RangeKey       *keyAttrState `json:",omitempty"`
	AttrDefs       []attributeDefinition
	Billing        string
	RCU, WCU       int64
	Protected      bool
	Tags           []tag
	SSEKind        int
	SSEKeyARN      string
	SSEGrant       string `json:",omitempty"`
	WrappedKey     []byte
	// Gen changes whenever the items were re-encrypted under a new table key:
	// the stored items of an older Gen are no longer valid.
	Gen     uint64
	Indexes []indexState `json:",omitempty"`
	// Policy is the table's resource-based policy as GetResourcePolicy returns it.
	Policy         string `json:",omitempty"`
	PolicyRevision string `json:",omitempty"`
}

// indexState is a secondary index's definition. Its membership is not kept:
// it follows from the items, and the first request holding the table key
// counts it again, as after a re-key.
type indexState struct {
	Name     string
	Global   bool
	HashKey  keyAttrState
	RangeKey *keyAttrState `json:",omitempty"`
	// MoreHashKeys and MoreRangeKeys are the other attributes of a multi-attribute key.
	MoreHashKeys, MoreRangeKeys []keyAttrState `json:",omitempty"`
	Projection                  projectionSpec
	RCU, WCU                    int64
	Ready                       time.Time
}

type keyAttrState struct {
	Name string
	Type string
}

type serviceState struct {
	ServiceKey []byte
	Tables     []TableState
}

// MarshalState encodes the service's tables without their items (which go
// through the ItemJournal), and the key that wraps table keys of tables on the
// AWS owned key. It returns the tables too, for the caller to compare generations.
func (s *Service) MarshalState() ([]byte, []TableState, error) {
	s.mu.Lock()
	tables := make([]*table, 0, len(s.tables))
	for _, t := range s.tables {
		tables = append(tables, t)
	}
	st := serviceState{ServiceKey: s.serviceKey}
	s.mu.Unlock()
	sort.Slice(tables, func(i, j int) bool { return tables[i].name < tables[j].name })
	for _, t := range tables {
		t.mu.Lock()
		ts := TableState{
			Name: t.name, ARN: t.arn, ID: t.id, Created: t.created, Ready: t.ready,
			HashKey: keyAttrState{t.hashKey.name, t.hashKey.typ.String()}, AttrDefs: t.attrDefs,
			Billing: t.billing, RCU: t.rcu, WCU: t.wcu, Protected: t.protected, Tags: t.tags,
			SSEKind: int(t.sse.kind), SSEKeyARN: t.sse.keyARN, SSEGrant: t.sse.grant, WrappedKey: t.wrappedKey, Gen: t.gen,
		}
		if t.rangeKey != nil {
			ts.RangeKey = &keyAttrState{t.rangeKey.name, t.rangeKey.typ.String()}
		}
		if p := t.rbp.Load(); p != nil {
			ts.Policy, ts.PolicyRevision = p.text, p.revision
		}
		for _, ix := range t.indexes {
			is := indexState{Name: ix.name, Global: ix.global, HashKey: keyAttrState{ix.hashKeys[0].name, ix.hashKeys[0].typ.String()},
				Projection: ix.projection, RCU: ix.rcu, WCU: ix.wcu, Ready: ix.ready}
			if len(ix.rangeKeys) > 0 {
				is.RangeKey = &keyAttrState{ix.rangeKeys[0].name, ix.rangeKeys[0].typ.String()}
			}
			for _, k := range ix.hashKeys[1:] {
				is.MoreHashKeys = append(is.MoreHashKeys, keyAttrState{k.name, k.typ.String()})
			}
			for _, k := range ix.rangeKeys[min(1, len(ix.rangeKeys)):] {
				is.MoreRangeKeys = append(is.MoreRangeKeys, keyAttrState{k.name, k.typ.String()})
			}
			ts.Indexes = append(ts.Indexes, is)
		}
		deleted := t.deleted
		t.mu.Unlock()
		if !deleted {
			st.Tables = append(st.Tables, ts)
		}
	}
	b, err := json.Marshal(st)
	return b, st.Tables, err
}

// RestoreState replaces the service's tables with those of b, all empty:
// RestoreItems fills them.
func (s *Service) RestoreState(b []byte) ([]TableState, error) {
	var st serviceState
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("restore dynamodb: %w", err)
	}
	if len(st.ServiceKey) != 32 {
		return nil, fmt.Errorf("restore dynamodb: service key of %d bytes", len(st.ServiceKey))
	}
	tables := map[string]*table{}
	for _, ts := range st.Tables {
		hk, err := ts.HashKey.keyAttr()
		if err != nil {
			return nil, err
		}
		t := &table{
			name: ts.Name, arn: ts.ARN, id: ts.ID, created: ts.Created, ready: ts.Ready, hashKey: hk,
			attrDefs: ts.AttrDefs, billing: ts.Billing, rcu: ts.RCU, wcu: ts.WCU, protected: ts.Protected,
			tags: ts.Tags, sse: sseState{kind: sseKind(ts.SSEKind), keyARN: ts.SSEKeyARN, grant: ts.SSEGrant},
			wrappedKey: ts.WrappedKey, gen: ts.Gen, items: newPartitions(),
		}
		if ts.RangeKey != nil {
			rk, err := ts.RangeKey.keyAttr()
			if err != nil {
				return nil, err
			}
			t.rangeKey = &rk
		}
		if ts.Policy != "" {
			doc, text, err := parseTablePolicy(ts.Policy)
			if err != nil {
				return nil, fmt.Errorf("restore dynamodb: policy of table %s: %w", ts.Name, err)
			}
			t.rbp.Store(&tablePolicy{text: text, doc: doc, revision: ts.PolicyRevision})
		}
		for _, is := range ts.Indexes {
			ix := &index{name: is.Name, global: is.Global, projection: is.Projection, rcu: is.RCU, wcu: is.WCU, ready: is.Ready}
			hashes := append([]keyAttrState{is.HashKey}, is.MoreHashKeys...)
			var ranges []keyAttrState
			if is.RangeKey != nil {
				ranges = append([]keyAttrState{*is.RangeKey}, is.MoreRangeKeys...)
			}
			for _, list := range []struct {
				states []keyAttrState
				dst    *[]keyAttr
			}{{hashes, &ix.hashKeys}, {ranges, &ix.rangeKeys}} {
				for _, ks := range list.states {
					k, err := ks.keyAttr()
					if err != nil {
						return nil, err
					}
					*list.dst = append(*list.dst, k)
				}
			}
			if len(ix.hashKeys) > maxKeyAttrs || len(ix.rangeKeys) > maxKeyAttrs {
				return nil, fmt.Errorf("restore dynamodb: index %s has %d partition and %d sort key attributes", is.Name, len(ix.hashKeys), len(ix.rangeKeys))
			}
			t.indexes = append(t.indexes, ix)
		}
		tables[t.name] = t
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.serviceKey, s.tables = st.ServiceKey, tables
	for _, t := range tables {
		t.journal = s.journal
	}
	return st.Tables, nil
}

func (k keyAttrState) keyAttr() (keyAttr, error) {
	typ, ok := attr.ParseType(k.Type)
	if !ok {
		return keyAttr{}, fmt.Errorf("restore dynamodb: key attribute %s of type %q", k.Name, k.Type)
	}
	return keyAttr{name: k.Name, typ: typ}, nil
}

// RestoreItems fills the table with id tableID with stored items: fill calls
// put once per item, best in hash order (then each partition is appended).
func (s *Service) RestoreItems(tableID string, fill func(put func(partHash, itemHash, sealed []byte, size int)) error) error {
	t := s.tableByID(tableID)
	if t == nil {
		return fmt.Errorf("restore dynamodb: no table with id %s", tableID)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	j := t.journal
	t.journal = nil // what is read back is on disk already
	defer func() { t.journal = j }()
	return fill(func(ph, ih, sealed []byte, size int) {
		t.insert(string(ph), &stored{hash: string(ih), sealed: sealed, size: size})
	})
}

// ItemsOf calls each for every stored item of the table with id tableID, with
// the table's generation, all under the table's lock; false when there is no
// such table.
func (s *Service) ItemsOf(tableID string, each func(gen uint64, partHash, itemHash, sealed []byte, size int)) bool {
	t := s.tableByID(tableID)
	if t == nil {
		return false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	_ = t.items.each(func(ph string, st *stored) error {
		each(t.gen, []byte(ph), []byte(st.hash), st.sealed, st.size)
		return nil
	})
	return true
}

func (s *Service) tableByID(id string) *table {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.tables {
		if t.id == id {
			return t
		}
	}
	return nil
}
