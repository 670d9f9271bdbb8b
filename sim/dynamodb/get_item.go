package dynamodb

import (
	"context"

	"kmslab/sim/dynamodb/attr"
)

type getItemInput struct {
	itemRequest
	Key                  attr.Item `json:"Key"`
	ProjectionExpression *string   `json:"ProjectionExpression"`
	ConsistentRead       *bool     `json:"ConsistentRead"`
}

func (s *Service) getItem(ctx context.Context, body []byte) (any, error) {
	var in getItemInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var proj *projection
	tg, err := s.itemTarget(ctx, &in.itemRequest, itemSpec{
		op: "GetItem", key: in.Key,
		exprs: []*string{in.ProjectionExpression},
		parse: func(ex *exprs) (err error) {
			proj, err = ex.projection(in.ProjectionExpression)
			return err
		},
	})
	if err != nil {
		return nil, err
	}
	var out struct {
		Item             attr.Item         `json:"Item,omitempty"`
		ConsumedCapacity *consumedCapacity `json:"ConsumedCapacity,omitempty"`
	}
	err = s.withKeys(ctx, tg.t, func(k *tableKeys) error {
		it, err := tg.t.get(k, tg.h, tg.r)
		if err != nil {
			return err
		}
		out.ConsumedCapacity = capacity(in.ReturnConsumedCapacity, tg.t.name, it.Size(), false, isTrue(in.ConsistentRead))
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
