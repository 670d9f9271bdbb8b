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
	var vals []attr.Value
	for i, k := range t.keyAttrs() {
		v, ok := it[k.name]
		if !ok {
			return attr.Value{}, nil, validationErr("One or more parameter values were invalid: Missing the key %s in the item", k.name)
		}
		if err := attr.CheckKey(k.name, v, k.typ, i == 1); err != nil {
			return attr.Value{}, nil, asValidation(err)
		}
		vals = append(vals, v)
	}
	if len(vals) == 1 {
		return vals[0], nil, nil
	}
	return vals[0], &vals[1], nil
}

// keyOf checks a Key parameter: exactly the key attributes with the declared types.
func (t *table) keyOf(key attr.Item) (attr.Value, *attr.Value, error) {
	ks := t.keyAttrs()
	if len(key) != len(ks) {
		return attr.Value{}, nil, validationErr(msgKeySchema)
	}
	var vals []attr.Value
	for i, k := range ks {
		v, ok := key[k.name]
		if !ok || v.Type != k.typ {
			return attr.Value{}, nil, validationErr(msgKeySchema)
		}
		if err := attr.CheckKey(k.name, v, k.typ, i == 1); err != nil {
			return attr.Value{}, nil, asValidation(err)
		}
		vals = append(vals, v)
	}
	if len(vals) == 1 {
		return vals[0], nil, nil
	}
	return vals[0], &vals[1], nil
}

// keyItem is the item made of just the key attributes.
func (t *table) keyItem(h attr.Value, r *attr.Value) attr.Item {
	it := attr.Item{t.hashKey.name: h}
	if r != nil {
		it[t.rangeKey.name] = *r
	}
	return it
}
