package dynamodb

import (
	"context"

	"kmslab/sim/dynamodb/attr"
)

type deleteItemInput struct {
	itemRequest
	Key attr.Item `json:"Key"`
	writeInput
}

func (s *Service) deleteItem(ctx context.Context, body []byte) (any, error) {
	var in deleteItemInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	tg, cond, err := s.conditionalWrite(ctx, "DeleteItem", &in.itemRequest, &in.writeInput, in.Key, false)
	if err != nil {
		return nil, err
	}
	var out attributesOutput
	err = s.withKeys(ctx, tg.t, func(k *tableKeys) error {
		old, err := tg.checked(k, cond)
		if err != nil {
			return err
		}
		tg.t.del(k, tg.h, tg.r)
		out.ConsumedCapacity = capacity(in.ReturnConsumedCapacity, tg.t.name, old.Size(), true, true)
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
