package dynamodb

import (
	"context"

	"kmslab/sim/dynamodb/attr"
)

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
