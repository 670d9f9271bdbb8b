package dynamodb

import (
	"context"
	"sort"

	"kmslab/sim/dynamodb/attr"
)

// Batch limits of DynamoDB.
const (
	maxBatchWrite = 25
	maxBatchGet   = 100
)

const msgDuplicateKeys = "Provided list of item keys contains duplicates"

type keysAndAttributes struct {
	Keys                 []attr.Item `json:"Keys"`
	ProjectionExpression *string     `json:"ProjectionExpression"`
	ConsistentRead       *bool       `json:"ConsistentRead"`
	exprInput
	legacy
}

type batchGetInput struct {
	RequestItems map[string]keysAndAttributes `json:"RequestItems"`
	capacityInput
}

// sortedTables returns the request's table names in order, so that errors and work do not
// depend on map iteration.
func sortedTables[V any](m map[string]V) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// keyID identifies a key within one request, to find duplicates.
func keyID(h attr.Value, r *attr.Value) string {
	id := string(attr.KeyBytes(h))
	if r != nil {
		id += "\x00" + string(attr.KeyBytes(*r))
	}
	return id
}

type itemKey struct {
	h attr.Value
	r *attr.Value
}

func (s *Service) batchGetItem(ctx context.Context, body []byte) (any, error) {
	var in batchGetInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var v validation
	if in.RequestItems == nil {
		v.add("Value null at 'requestItems' failed to satisfy constraint: Member must not be null")
	} else if len(in.RequestItems) == 0 {
		v.add("Value '{}' at 'requestItems' failed to satisfy constraint: Member must have length greater than or equal to 1")
	}
	total := 0
	for _, name := range sortedTables(in.RequestItems) {
		v.tableName("requestItems", name)
		ka := in.RequestItems[name]
		if len(ka.Keys) == 0 {
			v.add("Value '[]' at 'requestItems.%s.member.keys' failed to satisfy constraint: Member must have length greater than or equal to 1", name)
		}
		total += len(ka.Keys)
	}
	in.capacityInput.check(&v)
	if err := v.err(); err != nil {
		return nil, err
	}
	if total > maxBatchGet {
		return nil, validationErr("Too many items requested for the BatchGetItem call")
	}
	type job struct {
		t    *table
		keys []itemKey
		proj *projection
	}
	var jobs []job
	for _, name := range sortedTables(in.RequestItems) {
		ka := in.RequestItems[name]
		if err := ka.legacy.check(); err != nil {
			return nil, err
		}
		t, err := s.dataTable(ctx, "BatchGetItem", name)
		if err != nil {
			return nil, err
		}
		ex := newExprs(ka.exprInput)
		proj, err := ex.projection(ka.ProjectionExpression)
		if err != nil {
			return nil, err
		}
		if err := ex.done(); err != nil {
			return nil, err
		}
		seen := map[string]bool{}
		j := job{t: t, proj: proj}
		for _, key := range ka.Keys {
			h, r, err := t.keyOf(key)
			if err != nil {
				return nil, err
			}
			id := keyID(h, r)
			if seen[id] {
				return nil, validationErr(msgDuplicateKeys)
			}
			seen[id] = true
			j.keys = append(j.keys, itemKey{h, r})
		}
		jobs = append(jobs, j)
	}
	out := struct {
		Responses        map[string][]attr.Item       `json:"Responses"`
		UnprocessedKeys  map[string]keysAndAttributes `json:"UnprocessedKeys"`
		ConsumedCapacity []consumedCapacity           `json:"ConsumedCapacity,omitempty"`
	}{Responses: map[string][]attr.Item{}, UnprocessedKeys: map[string]keysAndAttributes{}}
	for _, j := range jobs {
		items := []attr.Item{}
		size := 0
		err := s.withKeys(ctx, j.t, func(k *tableKeys) error {
			for _, key := range j.keys {
				it, err := j.t.get(k, key.h, key.r)
				if err != nil {
					return err
				}
				if it != nil {
					size += it.Size()
					items = append(items, j.proj.apply(it))
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		out.Responses[j.t.name] = items
		if c := capacity(in.ReturnConsumedCapacity, j.t.name, size, false, false); c != nil {
			out.ConsumedCapacity = append(out.ConsumedCapacity, *c)
		}
	}
	return out, nil
}

type writeRequest struct {
	PutRequest *struct {
		Item attr.Item `json:"Item"`
	} `json:"PutRequest"`
	DeleteRequest *struct {
		Key attr.Item `json:"Key"`
	} `json:"DeleteRequest"`
}

type batchWriteInput struct {
	RequestItems map[string][]writeRequest `json:"RequestItems"`
	capacityInput
}

func (s *Service) batchWriteItem(ctx context.Context, body []byte) (any, error) {
	var in batchWriteInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var v validation
	if in.RequestItems == nil {
		v.add("Value null at 'requestItems' failed to satisfy constraint: Member must not be null")
	} else if len(in.RequestItems) == 0 {
		v.add("Value '{}' at 'requestItems' failed to satisfy constraint: Member must have length greater than or equal to 1")
	}
	total := 0
	for _, name := range sortedTables(in.RequestItems) {
		v.tableName("requestItems", name)
		reqs := in.RequestItems[name]
		if len(reqs) < 1 || len(reqs) > maxBatchWrite {
			v.add("Value at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]")
		}
		total += len(reqs)
	}
	in.capacityInput.check(&v)
	if err := v.err(); err != nil {
		return nil, err
	}
	if total > maxBatchWrite {
		return nil, validationErr("Too many items requested for the BatchWriteItem call")
	}
	type op struct {
		put  attr.Item // nil for a delete
		key  itemKey
		size int
	}
	type job struct {
		t   *table
		ops []op
	}
	var jobs []job
	for _, name := range sortedTables(in.RequestItems) {
		t, err := s.dataTable(ctx, "BatchWriteItem", name)
		if err != nil {
			return nil, err
		}
		j := job{t: t}
		seen := map[string]bool{}
		for _, w := range in.RequestItems[name] {
			var o op
			switch {
			case w.PutRequest != nil && w.DeleteRequest != nil, w.PutRequest == nil && w.DeleteRequest == nil:
				return nil, validationErr("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes")
			case w.PutRequest != nil:
				it := w.PutRequest.Item
				if it == nil {
					return nil, validationErr("1 validation error detected: Value null at 'requestItems.%s.member.putRequest.item' failed to satisfy constraint: Member must not be null", name)
				}
				h, r, err := t.itemKey(it)
				if err != nil {
					return nil, err
				}
				if err := asValidation(it.CheckSize()); err != nil {
					return nil, err
				}
				o = op{put: it, key: itemKey{h, r}, size: it.Size()}
			default:
				if w.DeleteRequest.Key == nil {
					return nil, validationErr("1 validation error detected: Value null at 'requestItems.%s.member.deleteRequest.key' failed to satisfy constraint: Member must not be null", name)
				}
				h, r, err := t.keyOf(w.DeleteRequest.Key)
				if err != nil {
					return nil, err
				}
				o = op{key: itemKey{h, r}}
			}
			id := keyID(o.key.h, o.key.r)
			if seen[id] {
				return nil, validationErr(msgDuplicateKeys)
			}
			seen[id] = true
			j.ops = append(j.ops, o)
		}
		jobs = append(jobs, j)
	}
	// Every table key is obtained before anything is written, so that a refusal on one table
	// leaves the others untouched.
	for _, j := range jobs {
		if _, err := s.tableKeysFor(ctx, j.t); err != nil {
			return nil, err
		}
	}
	out := struct {
		UnprocessedItems map[string][]writeRequest `json:"UnprocessedItems"`
		ConsumedCapacity []consumedCapacity        `json:"ConsumedCapacity,omitempty"`
	}{UnprocessedItems: map[string][]writeRequest{}}
	for _, j := range jobs {
		size := 0
		err := s.withKeys(ctx, j.t, func(k *tableKeys) error {
			for _, o := range j.ops {
				if o.put == nil {
					j.t.del(k, o.key.h, o.key.r)
					continue
				}
				size += o.size
				if err := s.put(j.t, k, o.put); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if c := capacity(in.ReturnConsumedCapacity, j.t.name, size, true, true); c != nil {
			out.ConsumedCapacity = append(out.ConsumedCapacity, *c)
		}
	}
	return out, nil
}
