package dynamodb

import (
	"context"

	"kmslab/sim/dynamodb/attr"
)

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

func (s *Service) batchGetItem(ctx context.Context, body []byte) (any, error) {
	var in batchGetInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	err := checkBatch("BatchGetItem", maxBatchGet, in.RequestItems, in.capacityInput, func(v *validation, name string, ka keysAndAttributes) int {
		if len(ka.Keys) == 0 {
			v.add("Value '[]' at 'requestItems.%s.member.keys' failed to satisfy constraint: Member must have length greater than or equal to 1", name)
		}
		return len(ka.Keys)
	})
	if err != nil {
		return nil, err
	}
	type job struct {
		ref  string // the table as the request names it: the answer is keyed the same way
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
		if err := earlyExprChecks(ka.exprInput, nil, nil, ka.ProjectionExpression); err != nil {
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
		seen := keySet{}
		j := job{ref: name, t: t, proj: proj}
		for _, key := range ka.Keys {
			h, r, err := t.keyOf(key)
			if err != nil {
				return nil, err
			}
			if err := seen.add(h, r); err != nil {
				return nil, err
			}
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
		out.Responses[j.ref] = items
		out.ConsumedCapacity = appendCapacity(out.ConsumedCapacity, capacity(in.ReturnConsumedCapacity, j.t.name, size, false, false))
	}
	return out, nil
}
