package dynamodb

import (
	"context"

	"kmslab/sim/dynamodb/attr"
)

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
	err := checkBatch("BatchWriteItem", maxBatchWrite, in.RequestItems, in.capacityInput, func(v *validation, _ string, reqs []writeRequest) int {
		if len(reqs) < 1 || len(reqs) > maxBatchWrite {
			v.add("Value at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]")
		}
		return len(reqs)
	})
	if err != nil {
		return nil, err
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
		seen := keySet{}
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
				if err := t.checkIndexKeysLocked(it); err != nil {
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
			if err := seen.add(o.key.h, o.key.r); err != nil {
				return nil, err
			}
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
		out.ConsumedCapacity = appendCapacity(out.ConsumedCapacity, capacity(in.ReturnConsumedCapacity, j.t.name, size, true, true))
	}
	return out, nil
}
