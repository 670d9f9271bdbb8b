package dynamodb

import "kmslab/sim/dynamodb/attr"

// keyValues returns the key attribute values of a stored (hence complete) item.
func (t *table) keyValues(it attr.Item) (attr.Value, *attr.Value) {
	h := it[t.hashKey.name]
	if t.rangeKey == nil {
		return h, nil
	}
	r := it[t.rangeKey.name]
	return h, &r
}

// itemKey extracts the key of a full item (PutItem): a missing key attribute and a wrongly
// typed one have their own messages.
func (t *table) itemKey(it attr.Item) (attr.Value, *attr.Value, error) {
	return t.checkKey(it, false)
}

// keyOf checks a Key parameter: exactly the key attributes with the declared types.
func (t *table) keyOf(key attr.Item) (attr.Value, *attr.Value, error) {
	if len(key) != len(t.keyAttrs()) {
		return attr.Value{}, nil, validationErr(msgKeySchema)
	}
	return t.checkKey(key, true)
}

// checkKey checks the key attributes of it in schema order and returns their values. In a
// Key member (exact) an absent or wrongly typed attribute does not match the schema; in a
// whole item an absent one is missing and a wrongly typed one is a type mismatch.
func (t *table) checkKey(it attr.Item, exact bool) (attr.Value, *attr.Value, error) {
	for i, k := range t.keyAttrs() {
		v, ok := it[k.name]
		switch {
		case exact && (!ok || v.Type != k.typ):
			return attr.Value{}, nil, validationErr(msgKeySchema)
		case !ok:
			return attr.Value{}, nil, validationErr("One or more parameter values were invalid: Missing the key %s in the item", k.name)
		}
		if err := attr.CheckKey(k.name, v, k.typ, i == 1); err != nil {
			return attr.Value{}, nil, asValidation(err)
		}
	}
	h, r := t.keyValues(it)
	return h, r, nil
}

// keyItem is the item made of just the key attributes.
func (t *table) keyItem(h attr.Value, r *attr.Value) attr.Item {
	it := attr.Item{t.hashKey.name: h}
	if r != nil {
		it[t.rangeKey.name] = *r
	}
	return it
}
