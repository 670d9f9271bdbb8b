package dynamodb

import (
	"context"
	"encoding/json"

	"kmslab/sim/api"
	"kmslab/sim/dynamodb/attr"
	"kmslab/sim/dynamodb/expr"
)

// Messages DynamoDB answers learner mistakes with.
const (
	msgKeySchema       = "The provided key element does not match the schema"
	msgConditionFailed = "The conditional request failed"
)

// legacy holds the pre-expression parameters: accepted by the wire, refused with a pointer
// to the expression form the lab teaches.
type legacy struct {
	Expected            json.RawMessage `json:"Expected"`
	AttributesToGet     json.RawMessage `json:"AttributesToGet"`
	AttributeUpdates    json.RawMessage `json:"AttributeUpdates"`
	KeyConditions       json.RawMessage `json:"KeyConditions"`
	QueryFilter         json.RawMessage `json:"QueryFilter"`
	ScanFilter          json.RawMessage `json:"ScanFilter"`
	ConditionalOperator string          `json:"ConditionalOperator"`
}

func (l legacy) check() error {
	for name, raw := range map[string]json.RawMessage{
		"Expected": l.Expected, "AttributesToGet": l.AttributesToGet, "AttributeUpdates": l.AttributeUpdates,
		"KeyConditions": l.KeyConditions, "QueryFilter": l.QueryFilter, "ScanFilter": l.ScanFilter,
	} {
		if len(raw) > 0 && string(raw) != "null" {
			return validationErr("kmslab: the legacy parameter %s is not supported by the offline DynamoDB; use the expression parameters instead", name)
		}
	}
	if l.ConditionalOperator != "" {
		return validationErr("kmslab: the legacy parameter ConditionalOperator is not supported by the offline DynamoDB; use the expression parameters instead")
	}
	return nil
}

// exprInput is the expression plumbing every data-plane request shares.
type exprInput struct {
	ExpressionAttributeNames  map[string]string     `json:"ExpressionAttributeNames"`
	ExpressionAttributeValues map[string]attr.Value `json:"ExpressionAttributeValues"`
}

type capacityInput struct {
	ReturnConsumedCapacity      string `json:"ReturnConsumedCapacity"`
	ReturnItemCollectionMetrics string `json:"ReturnItemCollectionMetrics"`
}

func (c capacityInput) check(v *validation) {
	v.enum("returnConsumedCapacity", c.ReturnConsumedCapacity, "INDEXES", "TOTAL", "NONE")
	v.enum("returnItemCollectionMetrics", c.ReturnItemCollectionMetrics, "SIZE", "NONE")
}

type consumedCapacity struct {
	TableName     string  `json:"TableName"`
	CapacityUnits float64 `json:"CapacityUnits"`
}

// capacity reports consumed capacity when asked: 1 unit per started KB written, 0.5 (1 if
// strongly consistent) per started 4 KB read.
func capacity(mode, table string, bytes int, write, consistent bool) *consumedCapacity {
	if mode != "TOTAL" && mode != "INDEXES" {
		return nil
	}
	var units float64
	if write {
		units = float64(max(1, (bytes+1023)/1024))
	} else {
		units = float64(max(1, (bytes+4095)/4096))
		if !consistent {
			units /= 2
		}
	}
	return &consumedCapacity{TableName: table, CapacityUnits: units}
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
		err = f(k)
		t.mu.Unlock()
		return err
	}
	return api.BadRequest("ResourceInUseException", "Attempt to change a resource which is still in use: Table is being updated: %s", t.name)
}

// get returns the item with the given key, or nil. Callers hold t.mu.
func (t *table) get(k *tableKeys, h attr.Value, r *attr.Value) (attr.Item, error) {
	ih := k.itemHash(h, r)
	st := t.lookup(string(k.partHash(h)), string(ih))
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
	t.insert(string(k.partHash(h)), &stored{hash: ih, sealed: sealed, size: it.Size()})
	return nil
}

// del removes the item with the given key. Callers hold t.mu.
func (t *table) del(k *tableKeys, h attr.Value, r *attr.Value) {
	t.remove(string(k.partHash(h)), string(k.itemHash(h, r)))
}

func conditionFailed() error {
	return api.BadRequest("ConditionalCheckFailedException", msgConditionFailed)
}

type putItemInput struct {
	TableName           string    `json:"TableName"`
	Item                attr.Item `json:"Item"`
	ConditionExpression *string   `json:"ConditionExpression"`
	ReturnValues        string    `json:"ReturnValues"`
	// ReturnValuesOnConditionCheckFailure is accepted; the failure carries no item offline.
	ReturnValuesOnConditionCheckFailure string `json:"ReturnValuesOnConditionCheckFailure"`
	exprInput
	capacityInput
	legacy
}

type attributesOutput struct {
	Attributes       attr.Item         `json:"Attributes,omitempty"`
	ConsumedCapacity *consumedCapacity `json:"ConsumedCapacity,omitempty"`
}

func checkReturnValues(rv string, allowed ...string) error {
	if rv == "" {
		return nil
	}
	for _, a := range allowed {
		if rv == a {
			return nil
		}
	}
	for _, a := range []string{"NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"} {
		if rv == a {
			return validationErr("Return values set to invalid value")
		}
	}
	return validationErr("1 validation error detected: Value '%s' at 'returnValues' failed to satisfy constraint: Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]", rv)
}

func (s *Service) putItem(ctx context.Context, body []byte) (any, error) {
	var in putItemInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var v validation
	v.tableName("tableName", in.TableName)
	if in.Item == nil {
		v.add("Value null at 'item' failed to satisfy constraint: Member must not be null")
	}
	in.capacityInput.check(&v)
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := checkReturnValues(in.ReturnValues, "NONE", "ALL_OLD"); err != nil {
		return nil, err
	}
	if err := in.legacy.check(); err != nil {
		return nil, err
	}
	t, err := s.dataTable(ctx, "PutItem", in.TableName)
	if err != nil {
		return nil, err
	}
	if _, _, err := t.itemKey(in.Item); err != nil {
		return nil, err
	}
	if err := asValidation(in.Item.CheckSize()); err != nil {
		return nil, err
	}
	ex := newExprs(in.exprInput)
	cond, err := ex.condition(in.ConditionExpression, expr.KindCondition)
	if err != nil {
		return nil, err
	}
	if err := ex.done(); err != nil {
		return nil, err
	}
	out := attributesOutput{ConsumedCapacity: capacity(in.ReturnConsumedCapacity, t.name, in.Item.Size(), true, true)}
	err = s.withKeys(ctx, t, func(k *tableKeys) error {
		h, r := t.keyValues(in.Item)
		old, err := t.get(k, h, r)
		if err != nil {
			return err
		}
		if !cond.eval(old) {
			return conditionFailed()
		}
		if err := s.put(t, k, in.Item); err != nil {
			return err
		}
		if in.ReturnValues == "ALL_OLD" {
			out.Attributes = old
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

type getItemInput struct {
	TableName            string    `json:"TableName"`
	Key                  attr.Item `json:"Key"`
	ProjectionExpression *string   `json:"ProjectionExpression"`
	ConsistentRead       *bool     `json:"ConsistentRead"`
	exprInput
	capacityInput
	legacy
}

func (s *Service) getItem(ctx context.Context, body []byte) (any, error) {
	var in getItemInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var v validation
	v.tableName("tableName", in.TableName)
	if in.Key == nil {
		v.add("Value null at 'key' failed to satisfy constraint: Member must not be null")
	}
	in.capacityInput.check(&v)
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := in.legacy.check(); err != nil {
		return nil, err
	}
	t, err := s.dataTable(ctx, "GetItem", in.TableName)
	if err != nil {
		return nil, err
	}
	h, r, err := t.keyOf(in.Key)
	if err != nil {
		return nil, err
	}
	ex := newExprs(in.exprInput)
	proj, err := ex.projection(in.ProjectionExpression)
	if err != nil {
		return nil, err
	}
	if err := ex.done(); err != nil {
		return nil, err
	}
	var out struct {
		Item             attr.Item         `json:"Item,omitempty"`
		ConsumedCapacity *consumedCapacity `json:"ConsumedCapacity,omitempty"`
	}
	err = s.withKeys(ctx, t, func(k *tableKeys) error {
		it, err := t.get(k, h, r)
		if err != nil {
			return err
		}
		out.ConsumedCapacity = capacity(in.ReturnConsumedCapacity, t.name, it.Size(), false, in.ConsistentRead != nil && *in.ConsistentRead)
		if it != nil {
			out.Item = proj.apply(it)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

type deleteItemInput struct {
	TableName           string    `json:"TableName"`
	Key                 attr.Item `json:"Key"`
	ConditionExpression *string   `json:"ConditionExpression"`
	ReturnValues        string    `json:"ReturnValues"`
	// ReturnValuesOnConditionCheckFailure is accepted; the failure carries no item offline.
	ReturnValuesOnConditionCheckFailure string `json:"ReturnValuesOnConditionCheckFailure"`
	exprInput
	capacityInput
	legacy
}

func (s *Service) deleteItem(ctx context.Context, body []byte) (any, error) {
	var in deleteItemInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var v validation
	v.tableName("tableName", in.TableName)
	if in.Key == nil {
		v.add("Value null at 'key' failed to satisfy constraint: Member must not be null")
	}
	in.capacityInput.check(&v)
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := checkReturnValues(in.ReturnValues, "NONE", "ALL_OLD"); err != nil {
		return nil, err
	}
	if err := in.legacy.check(); err != nil {
		return nil, err
	}
	t, err := s.dataTable(ctx, "DeleteItem", in.TableName)
	if err != nil {
		return nil, err
	}
	h, r, err := t.keyOf(in.Key)
	if err != nil {
		return nil, err
	}
	ex := newExprs(in.exprInput)
	cond, err := ex.condition(in.ConditionExpression, expr.KindCondition)
	if err != nil {
		return nil, err
	}
	if err := ex.done(); err != nil {
		return nil, err
	}
	var out attributesOutput
	err = s.withKeys(ctx, t, func(k *tableKeys) error {
		old, err := t.get(k, h, r)
		if err != nil {
			return err
		}
		if !cond.eval(old) {
			return conditionFailed()
		}
		t.del(k, h, r)
		out.ConsumedCapacity = capacity(in.ReturnConsumedCapacity, t.name, old.Size(), true, true)
		if in.ReturnValues == "ALL_OLD" {
			out.Attributes = old
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

type updateItemInput struct {
	TableName           string    `json:"TableName"`
	Key                 attr.Item `json:"Key"`
	UpdateExpression    *string   `json:"UpdateExpression"`
	ConditionExpression *string   `json:"ConditionExpression"`
	ReturnValues        string    `json:"ReturnValues"`
	// ReturnValuesOnConditionCheckFailure is accepted; the failure carries no item offline.
	ReturnValuesOnConditionCheckFailure string `json:"ReturnValuesOnConditionCheckFailure"`
	exprInput
	capacityInput
	legacy
}

func (s *Service) updateItem(ctx context.Context, body []byte) (any, error) {
	var in updateItemInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var v validation
	v.tableName("tableName", in.TableName)
	if in.Key == nil {
		v.add("Value null at 'key' failed to satisfy constraint: Member must not be null")
	}
	in.capacityInput.check(&v)
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := checkReturnValues(in.ReturnValues, "NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"); err != nil {
		return nil, err
	}
	if err := in.legacy.check(); err != nil {
		return nil, err
	}
	t, err := s.dataTable(ctx, "UpdateItem", in.TableName)
	if err != nil {
		return nil, err
	}
	h, r, err := t.keyOf(in.Key)
	if err != nil {
		return nil, err
	}
	ex := newExprs(in.exprInput)
	upd, err := ex.update(in.UpdateExpression)
	if err != nil {
		return nil, err
	}
	cond, err := ex.condition(in.ConditionExpression, expr.KindCondition)
	if err != nil {
		return nil, err
	}
	if err := ex.done(); err != nil {
		return nil, err
	}
	var keyNames []string
	for _, k := range t.keyAttrs() {
		keyNames = append(keyNames, k.name)
	}
	if err := upd.checkKeys(keyNames...); err != nil {
		return nil, err
	}
	var out attributesOutput
	err = s.withKeys(ctx, t, func(k *tableKeys) error {
		old, err := t.get(k, h, r)
		if err != nil {
			return err
		}
		if !cond.eval(old) {
			return conditionFailed()
		}
		cur := old.Clone()
		if cur == nil {
			cur = t.keyItem(h, r)
		}
		next, err := upd.apply(cur)
		if err != nil {
			return err
		}
		if next.Size() > attr.MaxItemSize {
			return validationErr(attr.MsgUpdateTooLarge)
		}
		if err := s.put(t, k, next); err != nil {
			return err
		}
		out.ConsumedCapacity = capacity(in.ReturnConsumedCapacity, t.name, next.Size(), true, true)
		switch in.ReturnValues {
		case "ALL_OLD":
			out.Attributes = old
		case "ALL_NEW":
			out.Attributes = next
		case "UPDATED_OLD":
			out.Attributes = upd.updated(old)
		case "UPDATED_NEW":
			out.Attributes = upd.updated(next)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// errUnsupportedIndex refuses IndexName: the offline DynamoDB has no secondary indexes.
func errUnsupportedIndex(name string) error {
	return validationErr("The table does not have the specified index: %s", name)
}
