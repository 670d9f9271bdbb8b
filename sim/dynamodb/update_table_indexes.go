package dynamodb

import (
	"fmt"
	"strings"
	"time"

	"kmslab/sim/api"
)

// gsiUpdate is one GlobalSecondaryIndexUpdate of UpdateTable.
type gsiUpdate struct {
	Create *indexSpec `json:"Create"`
	Delete *struct {
		IndexName string `json:"IndexName"`
	} `json:"Delete"`
	Update *struct {
		IndexName             string                 `json:"IndexName"`
		ProvisionedThroughput *provisionedThroughput `json:"ProvisionedThroughput"`
	} `json:"Update"`
}

// gsiShapes collects the model constraint violations of GlobalSecondaryIndexUpdates.
func (v *validation) gsiShapes(updates []gsiUpdate) {
	for i, u := range updates {
		p := fmt.Sprintf("globalSecondaryIndexUpdates.%d.member", i+1)
		if u.Create != nil {
			v.indexShape(p+".create", *u.Create)
		}
		if u.Delete != nil {
			v.indexName(p+".delete.indexName", u.Delete.IndexName)
		}
		if u.Update != nil {
			v.indexName(p+".update.indexName", u.Update.IndexName)
		}
	}
}

// indexChanges is what UpdateTable's GlobalSecondaryIndexUpdates do to a table, checked.
type indexChanges struct {
	create  *index
	defs    []attributeDefinition // the table's definitions once created
	deletes []string
	updates map[string]provisionedThroughput
}

func errIndexLimit() error {
	return api.BadRequest("LimitExceededException", "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table")
}

// planIndexChanges checks GlobalSecondaryIndexUpdates against the table: one index created
// or deleted at a time, names that exist (or not), the new index's key attributes defined.
// Callers hold t.mu.
func (t *table) planIndexChanges(updates []gsiUpdate, defs []attributeDefinition, billing string) (*indexChanges, error) {
	ch := &indexChanges{updates: map[string]provisionedThroughput{}}
	online := 0
	for _, u := range updates {
		n := 0
		for _, set := range []bool{u.Create != nil, u.Delete != nil, u.Update != nil} {
			if set {
				n++
			}
		}
		if n != 1 {
			return nil, validationErr(msgInvalid + "One of GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Update, or GlobalSecondaryIndexUpdate.Delete must be specified")
		}
		if u.Create != nil || u.Delete != nil {
			online++
		}
	}
	if online > 1 {
		return nil, errIndexLimit()
	}
	existing := func(name string) *index {
		for _, ix := range t.indexes {
			if ix.name == name {
				return ix
			}
		}
		return nil
	}
	for _, u := range updates {
		switch {
		case u.Delete != nil:
			if ix := existing(u.Delete.IndexName); ix == nil || !ix.global {
				return nil, api.BadRequest("ResourceNotFoundException", "Requested resource not found: Index: %s not found", u.Delete.IndexName)
			}
			ch.deletes = append(ch.deletes, u.Delete.IndexName)
		case u.Update != nil:
			ix := existing(u.Update.IndexName)
			if ix == nil || !ix.global {
				return nil, api.BadRequest("ResourceNotFoundException", "Requested resource not found: Index: %s not found", u.Update.IndexName)
			}
			pt := u.Update.ProvisionedThroughput
			if billing == "PAY_PER_REQUEST" || pt == nil || pt.ReadCapacityUnits == nil || pt.WriteCapacityUnits == nil || *pt.ReadCapacityUnits < 1 || *pt.WriteCapacityUnits < 1 {
				return nil, validationErr(msgInvalid+"ProvisionedThroughput must be specified for index: %s", ix.name)
			}
			ch.updates[ix.name] = *pt
		case u.Create != nil:
			spec := *u.Create
			if existing(spec.IndexName) != nil {
				return nil, validationErr(msgInvalid+"Index with name: %s already exists", spec.IndexName)
			}
			gsis := 0
			for _, ix := range t.indexes {
				if ix.global {
					gsis++
				}
			}
			if gsis >= maxGSIs {
				return nil, api.BadRequest("LimitExceededException", "Subscriber limit exceeded: GlobalSecondaryIndex count exceeds the per-table limit of %d", maxGSIs)
			}
			merged, err := t.mergeDefinitions(defs)
			if err != nil {
				return nil, err
			}
			keys := indexKeyNames([]indexSpec{spec})
			defined := attrTypes(merged)
			var missing []string
			for _, k := range keys {
				if _, ok := defined[k]; !ok {
					missing = append(missing, k)
				}
			}
			if len(missing) > 0 {
				var names []string
				for _, d := range defs {
					names = append(names, d.AttributeName)
				}
				return nil, validationErr(msgInvalid+"Some index key attributes are not defined in AttributeDefinitions. Keys: [%s], AttributeDefinitions: [%s]", strings.Join(missing, ", "), strings.Join(names, ", "))
			}
			ix, err := buildIndex(spec, true, t.hashKey, t.rangeKey, defined, billing)
			if err != nil {
				return nil, err
			}
			ch.create, ch.defs = ix, merged
		}
	}
	return ch, nil
}

// mergeDefinitions adds UpdateTable's AttributeDefinitions to the table's; redefining an
// attribute with another type is refused.
func (t *table) mergeDefinitions(defs []attributeDefinition) ([]attributeDefinition, error) {
	out := append([]attributeDefinition(nil), t.attrDefs...)
	for _, d := range defs {
		found := false
		for _, e := range out {
			if e.AttributeName == d.AttributeName {
				found = true
				if e.AttributeType != d.AttributeType {
					return nil, validationErr(msgInvalid+"Attribute %s is already defined with type %s", d.AttributeName, e.AttributeType)
				}
			}
		}
		if !found {
			out = append(out, d)
		}
	}
	return out, nil
}

// applyIndexChanges creates and updates indexes; deletions happen after the answer is
// rendered (it shows the index DELETING). Callers hold t.mu.
func (t *table) applyIndexChanges(ch *indexChanges, ready time.Time) {
	for name, pt := range ch.updates {
		for _, ix := range t.indexes {
			if ix.name == name {
				ix.rcu, ix.wcu = *pt.ReadCapacityUnits, *pt.WriteCapacityUnits
			}
		}
	}
	if ch.create == nil {
		return
	}
	ix := ch.create
	ix.ready = ready
	if t.count > 0 {
		ix.members = nil // the next request holding the table key counts the backfilled items
	}
	t.indexes = append(append([]*index(nil), t.indexes...), ix)
	t.attrDefs = ch.defs
}

// dropIndexes removes deleted indexes and the attribute definitions no key uses any more.
// Callers hold t.mu.
func (t *table) dropIndexes(names []string) {
	if len(names) == 0 {
		return
	}
	var kept []*index
	for _, ix := range t.indexes {
		drop := false
		for _, n := range names {
			drop = drop || ix.name == n
		}
		if !drop {
			kept = append(kept, ix)
		}
	}
	t.indexes = kept
	used := map[string]bool{}
	for _, k := range t.keyAttrs() {
		used[k.name] = true
	}
	for _, ix := range kept {
		for _, k := range ix.keyAttrs() {
			used[k.name] = true
		}
	}
	var defs []attributeDefinition
	for _, d := range t.attrDefs {
		if used[d.AttributeName] {
			defs = append(defs, d)
		}
	}
	t.attrDefs = defs
}
