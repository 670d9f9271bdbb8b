package dynamodb

import (
	"context"

	"kmslab/sim/dynamodb/attr"
	"kmslab/sim/dynamodb/expr"
)

// itemRequest is what the requests of PutItem, GetItem, DeleteItem and UpdateItem share.
type itemRequest struct {
	TableName string `json:"TableName"`
	exprInput
	capacityInput
	legacy
}

// writeInput holds the members PutItem, DeleteItem and UpdateItem share.
type writeInput struct {
	ConditionExpression *string `json:"ConditionExpression"`
	ReturnValues        string  `json:"ReturnValues"`
	// ReturnValuesOnConditionCheckFailure ALL_OLD puts the item into the
	// ConditionalCheckFailedException.
	ReturnValuesOnConditionCheckFailure string `json:"ReturnValuesOnConditionCheckFailure"`
}

// condition parses the ConditionExpression, a write's last expression.
func (w *writeInput) condition(ex *exprs) (*condition, error) {
	return ex.condition(w.ConditionExpression, expr.KindCondition)
}

// conditionalWrite opens PutItem and DeleteItem, whose one expression is the
// ConditionExpression and which may return the old item: the request is
// checked as itemTarget does, and the condition parsed. key is PutItem's
// whole item (whole) or DeleteItem's Key.
func (s *Service) conditionalWrite(ctx context.Context, op string, in *itemRequest, w *writeInput, key attr.Item, whole bool) (*itemTarget, *condition, error) {
	var cond *condition
	tg, err := s.itemTarget(ctx, in, itemSpec{
		op: op, key: key, whole: whole,
		returnValues: w.ReturnValues, allowed: []string{"NONE", "ALL_OLD"},
		onFailure: w.ReturnValuesOnConditionCheckFailure,
		exprs:     []*string{w.ConditionExpression},
		parse: func(ex *exprs) (err error) {
			cond, err = w.condition(ex)
			return err
		},
	})
	return tg, cond, err
}

// itemSpec says how one single-item operation names its item and what it may return.
type itemSpec struct {
	op    string    // the action authorized, e.g. "GetItem"
	key   attr.Item // the Key member, or PutItem's whole Item
	whole bool      // key is a whole item (PutItem): its size is checked too
	// returnValues is the request's ReturnValues, which must be one of allowed.
	returnValues string
	allowed      []string
	// onFailure is the request's ReturnValuesOnConditionCheckFailure (writes only).
	onFailure string
	// exprs are the request's expression members; parse parses them (all of them, before
	// the table is looked up, as AWS checks expressions first).
	exprs []*string
	parse func(ex *exprs) error
}

// itemTarget is a checked single-item request: its table and the key of its item.
type itemTarget struct {
	t         *table
	h         attr.Value
	r         *attr.Value
	onFailure string
}

// itemTarget checks a single-item request in the order AWS does: request constraints,
// ReturnValues, legacy parameters, expression names and values (unused ones included), the
// table (authorizing op on it), the item's key, then the expressions themselves.
func (s *Service) itemTarget(ctx context.Context, in *itemRequest, spec itemSpec) (*itemTarget, error) {
	var v validation
	v.tableName("tableName", in.TableName)
	if spec.key == nil {
		member := "key"
		if spec.whole {
			member = "item"
		}
		v.add("Value null at '%s' failed to satisfy constraint: Member must not be null", member)
	}
	in.capacityInput.check(&v)
	v.enum("returnValuesOnConditionCheckFailure", spec.onFailure, "ALL_OLD", "NONE")
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := checkReturnValues(spec.returnValues, spec.allowed...); err != nil {
		return nil, err
	}
	if err := in.legacy.check(); err != nil {
		return nil, err
	}
	// Names and values are checked before the table is looked up, unused ones included;
	// an expression that does not parse (or names an undefined placeholder) is reported
	// only after the item's key and size, as AWS does.
	ex := newExprs(in.exprInput)
	if err := ex.precheck(anySet(spec.exprs...)); err != nil {
		return nil, err
	}
	var parseErr error
	if spec.parse != nil {
		parseErr = spec.parse(ex)
	}
	if parseErr == nil {
		if err := ex.done(); err != nil {
			return nil, err
		}
	}
	t, err := s.dataTable(ctx, spec.op, in.TableName)
	if err != nil {
		return nil, err
	}
	tg := &itemTarget{t: t, onFailure: spec.onFailure}
	if spec.whole {
		tg.h, tg.r, err = t.itemKey(spec.key)
		if err == nil {
			err = asValidation(spec.key.CheckSize())
		}
	} else {
		tg.h, tg.r, err = t.keyOf(spec.key)
	}
	if err != nil {
		return nil, err
	}
	if parseErr != nil {
		return nil, parseErr
	}
	return tg, nil
}

// checked returns the stored item a write's condition is evaluated against (nil: none),
// or ConditionalCheckFailedException if the condition does not hold. Callers hold t.mu.
func (tg *itemTarget) checked(k *tableKeys, cond *condition) (attr.Item, error) {
	old, err := tg.t.get(k, tg.h, tg.r)
	if err != nil {
		return nil, err
	}
	if !cond.eval(old) {
		return nil, conditionFailedWith(old, tg.onFailure)
	}
	return old, nil
}
