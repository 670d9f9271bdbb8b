package dynamodb

import (
	"context"

	"kmslab/sim/dynamodb/attr"
)

type updateItemInput struct {
	itemRequest
	Key              attr.Item `json:"Key"`
	UpdateExpression *string   `json:"UpdateExpression"`
	writeInput
}

func (s *Service) updateItem(ctx context.Context, body []byte) (any, error) {
	var in updateItemInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var upd *update
	var cond *condition
	tg, err := s.itemTarget(ctx, &in.itemRequest, itemSpec{
		op: "UpdateItem", key: in.Key,
		returnValues: in.ReturnValues, allowed: []string{"NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"},
		onFailure: in.ReturnValuesOnConditionCheckFailure,
		exprs:     []*string{in.UpdateExpression, in.ConditionExpression},
		parse: func(ex *exprs) (err error) {
			if upd, err = ex.update(in.UpdateExpression); err != nil {
				return err
			}
			cond, err = in.condition(ex)
			return err
		},
	})
	if err != nil {
		return nil, err
	}
	t := tg.t
	var keyNames []string
	for _, k := range t.keyAttrs() {
		keyNames = append(keyNames, k.name)
	}
	if err := upd.checkKeys(keyNames...); err != nil {
		return nil, err
	}
	var out attributesOutput
	err = s.withKeys(ctx, t, func(k *tableKeys) error {
		old, err := tg.checked(k, cond)
		if err != nil {
			return err
		}
		cur := old.Clone()
		if cur == nil {
			cur = t.keyItem(tg.h, tg.r)
		}
		next, err := upd.apply(cur)
		if err != nil {
			return err
		}
		if next.Size() > attr.MaxItemSize {
			return validationErr(attr.MsgUpdateTooLarge)
		}
		if err := t.checkIndexKeys(next); err != nil {
			return err
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
