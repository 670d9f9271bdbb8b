package dynamodb

import (
	"encoding/json"
	"time"

	"kmslab/sim/dynamodb/attr"
)

// Secondary indexes keep no storage of their own: an index read decrypts the table's items
// with the table key obtained as the caller and selects, orders and projects them. So an index
// is encrypted at rest exactly as its table is, and a caller the key policy refuses is refused
// on the index too. What an index does keep is its membership (item hash -> projected size),
// for the ItemCount and IndexSizeBytes DescribeTable reports.

// Limits of DynamoDB on secondary indexes.
const (
	maxGSIs             = 20
	maxLSIs             = 5
	maxProjectedAttrs   = 100 // NonKeyAttributes over all indexes of a table
	maxNonKeyAttributes = 20  // in one Projection (the model's list limit)
	maxKeyAttrs         = 4   // partition (and sort) key attributes of one GSI's multi-attribute key
)

type projectionSpec struct {
	ProjectionType   string   `json:"ProjectionType,omitempty"`
	NonKeyAttributes []string `json:"NonKeyAttributes,omitempty"`
}

// indexSpec is a GlobalSecondaryIndex, a LocalSecondaryIndex or an UpdateTable
// CreateGlobalSecondaryIndexAction as they come over the wire.
type indexSpec struct {
	IndexName             string                 `json:"IndexName"`
	KeySchema             []keySchemaElement     `json:"KeySchema"`
	Projection            *projectionSpec        `json:"Projection"`
	ProvisionedThroughput *provisionedThroughput `json:"ProvisionedThroughput"`
	OnDemandThroughput    json.RawMessage        `json:"OnDemandThroughput"`
	WarmThroughput        json.RawMessage        `json:"WarmThroughput"`
}

// index is one secondary index of a table. Its fields other than members are fixed once
// the index exists; members is guarded by the table's lock.
type index struct {
	name   string
	global bool
	// hashKeys and rangeKeys are the index's partition and sort key attributes in KeySchema
	// order: one and at most one, or up to four each for a GSI's multi-attribute key.
	hashKeys   []keyAttr
	rangeKeys  []keyAttr
	projection projectionSpec
	rcu, wcu   int64
	ready      time.Time // a GSI added by UpdateTable backfills until then
	// members maps the hash of each item in the index to its projected size; nil while not
	// counted (a GSI added to a table holding items, or after the table key changed): the next
	// request holding the table key counts it.
	members map[string]int
}

func (ix *index) keyAttrs() []keyAttr {
	return append(append(make([]keyAttr, 0, len(ix.hashKeys)+len(ix.rangeKeys)), ix.hashKeys...), ix.rangeKeys...)
}

func (ix *index) keySchema() []keySchemaElement {
	var ks []keySchemaElement
	for _, k := range ix.hashKeys {
		ks = append(ks, keySchemaElement{AttributeName: k.name, KeyType: "HASH"})
	}
	for _, k := range ix.rangeKeys {
		ks = append(ks, keySchemaElement{AttributeName: k.name, KeyType: "RANGE"})
	}
	return ks
}

// multiAttribute reports whether the index has a multi-attribute key.
func (ix *index) multiAttribute() bool { return len(ix.hashKeys) > 1 || len(ix.rangeKeys) > 1 }

// isRangeKey reports whether name is one of the index's sort key attributes.
func (ix *index) isRangeKey(name string) bool {
	for _, k := range ix.rangeKeys {
		if k.name == name {
			return true
		}
	}
	return false
}

// partValues are an item's index partition key values, in KeySchema order.
func (ix *index) partValues(it attr.Item) []attr.Value {
	out := make([]attr.Value, len(ix.hashKeys))
	for i, k := range ix.hashKeys {
		out[i] = it[k.name]
	}
	return out
}

// holds reports whether an item appears in the index: it has every index key attribute
// with its type (indexes are sparse; items written before a GSI existed may not fit it).
func (ix *index) holds(it attr.Item) bool {
	for _, k := range ix.keyAttrs() {
		if v, ok := it[k.name]; !ok || v.Type != k.typ {
			return false
		}
	}
	return true
}

// projects reports whether attribute name is in the index's items.
func (ix *index) projects(t *table, name string) bool {
	switch ix.projection.ProjectionType {
	case "ALL":
		return true
	case "INCLUDE":
		for _, a := range ix.projection.NonKeyAttributes {
			if a == name {
				return true
			}
		}
	}
	for _, k := range append(t.keyAttrs(), ix.keyAttrs()...) {
		if k.name == name {
			return true
		}
	}
	return false
}

// project is the item as the index stores it: the table and index keys, and the projected
// attributes.
func (ix *index) project(t *table, it attr.Item) attr.Item {
	if ix.projection.ProjectionType == "ALL" {
		return it
	}
	out := attr.Item{}
	for name, v := range it {
		if ix.projects(t, name) {
			out[name] = v
		}
	}
	return out
}

// index returns the named index, or nil.
func (t *table) index(name string) *index {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, ix := range t.indexes {
		if ix.name == name {
			return ix
		}
	}
	return nil
}

// isKeyAttr reports whether name is one of the table's own key attributes.
func (t *table) isKeyAttr(name string) bool {
	for _, k := range t.keyAttrs() {
		if k.name == name {
			return true
		}
	}
	return false
}

// checkIndexKeys validates an item about to be written against every index's key
// attributes: present ones must have the declared type and not be empty. Callers hold t.mu.
func (t *table) checkIndexKeys(it attr.Item) error {
	for _, ix := range t.indexes {
		for _, k := range ix.keyAttrs() {
			v, ok := it[k.name]
			if !ok || t.isKeyAttr(k.name) {
				continue
			}
			if v.Type != k.typ {
				return validationErr("One or more parameter values were invalid: Type mismatch for Index Key %s Expected: %s Actual: %s IndexName: %s", k.name, k.typ, v.Type, ix.name)
			}
			if (v.Type == attr.TypeS && v.S == "") || (v.Type == attr.TypeB && len(v.B) == 0) {
				return validationErr("One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty %s value. IndexName: %s, IndexKey: %s",
					map[attr.Type]string{attr.TypeS: "string", attr.TypeB: "binary"}[v.Type], ix.name, k.name)
			}
			if err := attr.CheckKey(k.name, v, k.typ, ix.isRangeKey(k.name)); err != nil {
				return asValidation(err)
			}
		}
	}
	return nil
}

// checkIndexKeysLocked is checkIndexKeys for callers not holding t.mu.
func (t *table) checkIndexKeysLocked(it attr.Item) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.checkIndexKeys(it)
}

// indexPut records the membership of an item just stored under hash ih. Callers hold t.mu.
func (t *table) indexPut(ih string, it attr.Item) {
	for _, ix := range t.indexes {
		if ix.members == nil {
			continue
		}
		if ix.holds(it) {
			ix.members[ih] = ix.project(t, it).Size()
		} else {
			delete(ix.members, ih)
		}
	}
}

// indexDel forgets an item removed from the table. Callers hold t.mu.
func (t *table) indexDel(ih string) {
	for _, ix := range t.indexes {
		delete(ix.members, ih)
	}
}

// countIndexes counts the members of indexes not counted yet, with the table key at hand.
// Callers hold t.mu.
func (t *table) countIndexes(k *tableKeys) error {
	var todo []*index
	for _, ix := range t.indexes {
		if ix.members == nil {
			todo = append(todo, ix)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	counted := make([]map[string]int, len(todo))
	for i := range counted {
		counted[i] = map[string]int{}
	}
	err := t.items.each(func(_ string, st *stored) error {
		it, err := open(k, t.name, st.hash, st.sealed)
		if err != nil {
			return err
		}
		for i, ix := range todo {
			if ix.holds(it) {
				counted[i][st.hash] = ix.project(t, it).Size()
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i, ix := range todo {
		ix.members = counted[i]
	}
	return nil
}

// indexDescription is a GlobalSecondaryIndexDescription or LocalSecondaryIndexDescription.
type indexDescription struct {
	IndexName             string                 `json:"IndexName"`
	KeySchema             []keySchemaElement     `json:"KeySchema"`
	Projection            projectionSpec         `json:"Projection"`
	IndexStatus           string                 `json:"IndexStatus,omitempty"`
	Backfilling           *bool                  `json:"Backfilling,omitempty"`
	ProvisionedThroughput *throughputDescription `json:"ProvisionedThroughput,omitempty"`
	IndexSizeBytes        int64                  `json:"IndexSizeBytes"`
	ItemCount             int64                  `json:"ItemCount"`
	IndexArn              string                 `json:"IndexArn"`
}

// describeIndexes renders t's indexes, GSIs and LSIs apart. status overrides a GSI's own
// (DELETING for one being dropped). Callers hold t.mu.
func (t *table) describeIndexes(now time.Time, status map[string]string) (gsis, lsis []indexDescription) {
	for _, ix := range t.indexes {
		d := indexDescription{
			IndexName:  ix.name,
			KeySchema:  ix.keySchema(),
			Projection: ix.projection,
			IndexArn:   t.arn + "/index/" + ix.name,
			ItemCount:  int64(len(ix.members)),
		}
		for _, size := range ix.members {
			d.IndexSizeBytes += int64(size)
		}
		if !ix.global {
			lsis = append(lsis, d)
			continue
		}
		d.IndexStatus = "ACTIVE"
		if now.Before(ix.ready) {
			d.IndexStatus = "CREATING"
			backfilling := true
			d.Backfilling = &backfilling
		}
		if s := status[ix.name]; s != "" {
			d.IndexStatus = s
		}
		d.ProvisionedThroughput = &throughputDescription{ReadCapacityUnits: ix.rcu, WriteCapacityUnits: ix.wcu}
		gsis = append(gsis, d)
	}
	return gsis, lsis
}
