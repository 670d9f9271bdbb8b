package dynamodb

import (
	"context"

	"kmslab/sim/dynamodb/attr"
	"kmslab/sim/dynamodb/expr"
)

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
