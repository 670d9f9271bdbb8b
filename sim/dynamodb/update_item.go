package dynamodb

import (
	"context"

	"kmslab/sim/dynamodb/attr"
	"kmslab/sim/dynamodb/expr"
)

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
