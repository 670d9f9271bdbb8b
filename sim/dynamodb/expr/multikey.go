package expr

import "kmslab/sim/dynamodb/attr"

// KeyAttr is one key attribute of a multi-attribute key schema.
type KeyAttr struct {
	Name string
	Type attr.Type
}

// MultiKeySchema is a global secondary index key of up to four partition key attributes and
// up to four sort key attributes, in their KeySchema order (DynamoDB's multi-attribute keys,
// developerguide/GSI.html#GSI.MultiAttributeKeys).
type MultiKeySchema struct {
	Hash, Range []KeyAttr
}

// MultiKeyCondition is a KeyConditionExpression on a multi-attribute key: a value for every
// partition key attribute, and conditions on a leading run of the sort key attributes, all
// equalities but the last, which may be any sort key condition.
type MultiKeyCondition struct {
	HashValues []attr.Value // in schema order
	Sort       []KeyCondition
}

// ParseMultiKeyCondition parses a KeyConditionExpression against a multi-attribute key:
// every partition key attribute with =, then sort key attributes from the first on without
// a gap, each with = except the last.
func ParseMultiKeyCondition(src string, sc *Scope, schema MultiKeySchema) (*MultiKeyCondition, error) {
	c, err := ParseCondition(KindKeyCondition, src, sc)
	if err != nil {
		return nil, err
	}
	var terms []keyTerm
	if err := collectKeyTerms(c.Root, &terms); err != nil {
		return nil, err
	}
	byName := map[string]keyTerm{}
	for _, t := range terms {
		if _, dup := byName[t.name]; dup {
			return nil, validation("KeyConditionExpressions must only contain one condition per key")
		}
		byName[t.name] = t
	}
	known := map[string]bool{}
	for _, k := range append(append([]KeyAttr{}, schema.Hash...), schema.Range...) {
		known[k.Name] = true
	}
	kc := &MultiKeyCondition{}
	for _, k := range schema.Hash {
		t, ok := byName[k.Name]
		if !ok {
			return nil, validation("Query condition missed key schema element: " + k.Name)
		}
		if t.op != SortEQ {
			return nil, validation("Query key condition not supported")
		}
		if err := checkKeyValue(k.Name, t.values[0], k.Type); err != nil {
			return nil, err
		}
		kc.HashValues = append(kc.HashValues, t.values[0])
	}
	for _, t := range terms {
		if !known[t.name] {
			return nil, validation("Query key condition not supported")
		}
	}
	gap := ""
	for _, k := range schema.Range {
		t, ok := byName[k.Name]
		if !ok {
			if gap == "" {
				gap = k.Name
			}
			continue
		}
		if gap != "" {
			// Sort key attributes are conditioned from the first on, without skipping one.
			return nil, validation("Query condition missed key schema element: " + gap)
		}
		if n := len(kc.Sort); n > 0 && kc.Sort[n-1].Op != SortEQ {
			// Only the last sort key attribute named may have a range condition.
			return nil, validation("Query key condition not supported")
		}
		for _, v := range t.values {
			if err := checkKeyValue(k.Name, v, k.Type); err != nil {
				return nil, err
			}
		}
		if t.op == SortBetween && attr.Compare(t.values[0], t.values[1]) > 0 {
			return nil, invalid(KindKeyCondition, "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: %s, upper bound operand: AttributeValue: %s", t.values[0], t.values[1])
		}
		kc.Sort = append(kc.Sort, KeyCondition{Range: k.Name, Op: t.op, RangeValues: t.values})
	}
	return kc, nil
}

// MatchSort reports whether an item's sort key attributes satisfy the condition.
func (k *MultiKeyCondition) MatchSort(it attr.Item) bool {
	for i := range k.Sort {
		v, ok := it[k.Sort[i].Range]
		if !ok || !k.Sort[i].MatchSort(v) {
			return false
		}
	}
	return true
}
