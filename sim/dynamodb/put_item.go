package dynamodb

import (
	"context"

	"kmslab/sim/dynamodb/attr"
	"kmslab/sim/dynamodb/expr"
)

type putItemInput struct {
	TableName           string    `json:"TableName"`
	Item                attr.Item `json:"Item"`
	ConditionExpression *string   `json:"ConditionExpression"`
	ReturnValues        string    `json:"ReturnValues"`
	// ReturnValuesOnConditionCheckFailure is accepted; the failure carries no item offline.
	ReturnValuesOnConditionCheckFailure string `json:"ReturnValuesOnConditionCheckFailure"`
	exprInput
	capacityInput
	legacy
}

func (s *Service) putItem(ctx context.Context, body []byte) (any, error) {
	var in putItemInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var v validation
	v.tableName("tableName", in.TableName)
	if in.Item == nil {
		v.add("Value null at 'item' failed to satisfy constraint: Member must not be null")
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
	t, err := s.dataTable(ctx, "PutItem", in.TableName)
	if err != nil {
		return nil, err
	}
	if _, _, err := t.itemKey(in.Item); err != nil {
		return nil, err
	}
	if err := asValidation(in.Item.CheckSize()); err != nil {
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
	out := attributesOutput{ConsumedCapacity: capacity(in.ReturnConsumedCapacity, t.name, in.Item.Size(), true, true)}
	err = s.withKeys(ctx, t, func(k *tableKeys) error {
		h, r := t.keyValues(in.Item)
		old, err := t.get(k, h, r)
		if err != nil {
			return err
		}
		if !cond.eval(old) {
			return conditionFailed()
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
