package dynamodb

import (
	"context"

	"kmslab/sim/dynamodb/attr"
)

type putItemInput struct {
	itemRequest
	Item attr.Item `json:"Item"`
	writeInput
}

func (s *Service) putItem(ctx context.Context, body []byte) (any, error) {
	var in putItemInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	tg, cond, err := s.conditionalWrite(ctx, "PutItem", &in.itemRequest, &in.writeInput, in.Item, true)
	if err != nil {
		return nil, err
	}
	t := tg.t
	out := attributesOutput{ConsumedCapacity: capacity(in.ReturnConsumedCapacity, t.name, in.Item.Size(), true, true)}
	err = s.withKeys(ctx, t, func(k *tableKeys) error {
		if err := t.checkIndexKeys(in.Item); err != nil {
			return err
		}
		old, err := tg.checked(k, cond)
		if err != nil {
			return err
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
