package dynamodb

import (
	"context"
	"errors"
	"fmt"

	"kmslab/sim/api"

	"kmslab/sim/dynamodb/attr"
	"kmslab/sim/dynamodb/expr"
)

// txAction is a ConditionCheck, Put, Delete or Update of TransactWriteItems.
type txAction struct {
	TableName           string    `json:"TableName"`
	Key                 attr.Item `json:"Key,omitempty"`
	Item                attr.Item `json:"Item,omitempty"`
	UpdateExpression    *string   `json:"UpdateExpression,omitempty"`
	ConditionExpression *string   `json:"ConditionExpression,omitempty"`
	exprInput
	ReturnValuesOnConditionCheckFailure string `json:"ReturnValuesOnConditionCheckFailure,omitempty"`
}

type transactWriteItem struct {
	ConditionCheck *txAction `json:"ConditionCheck,omitempty"`
	Put            *txAction `json:"Put,omitempty"`
	Delete         *txAction `json:"Delete,omitempty"`
	Update         *txAction `json:"Update,omitempty"`
}

type transactWriteInput struct {
	TransactItems      []transactWriteItem `json:"TransactItems"`
	ClientRequestToken *string             `json:"ClientRequestToken,omitempty"`
	capacityInput
}

// action returns the one action of an item, its kind ("ConditionCheck"...), the IAM
// action it needs and its member name in validation messages.
func (w transactWriteItem) action() (a *txAction, kind, iamOp, member string, n int) {
	for _, c := range []struct {
		a                   *txAction
		kind, iamOp, member string
	}{
		{w.ConditionCheck, "ConditionCheck", "ConditionCheckItem", "conditionCheck"},
		{w.Put, "Put", "PutItem", "put"},
		{w.Delete, "Delete", "DeleteItem", "delete"},
		{w.Update, "Update", "UpdateItem", "update"},
	} {
		if c.a != nil {
			a, kind, iamOp, member = c.a, c.kind, c.iamOp, c.member
			n++
		}
	}
	return a, kind, iamOp, member, n
}

// txWrite is one checked action, ready to run.
type txWrite struct {
	kind      string
	t         *table
	h         attr.Value
	r         *attr.Value
	cond      *condition
	upd       *update
	item      attr.Item // Put's item
	onFailure string
}

func (s *Service) transactWriteItems(ctx context.Context, body []byte) (any, error) {
	var in transactWriteInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var v validation
	v.transactItems(in.TransactItems == nil, len(in.TransactItems))
	if tok := in.ClientRequestToken; tok != nil && (len(*tok) < 1 || len(*tok) > maxTxTokenLen) {
		v.add("Value '%s' at 'clientRequestToken' failed to satisfy constraint: Member must have length less than or equal to %d", *tok, maxTxTokenLen)
	}
	for i, w := range in.TransactItems {
		a, _, _, member, n := w.action()
		if n != 1 {
			continue
		}
		p := fmt.Sprintf("transactItems.%d.member.%s", i+1, member)
		v.tableName(p+".tableName", a.TableName)
		switch {
		case member == "put" && a.Item == nil:
			v.add("Value null at '%s.item' failed to satisfy constraint: Member must not be null", p)
		case member != "put" && a.Key == nil:
			v.add("Value null at '%s.key' failed to satisfy constraint: Member must not be null", p)
		}
		if member == "update" && a.UpdateExpression == nil {
			v.add("Value null at '%s.updateExpression' failed to satisfy constraint: Member must not be null", p)
		}
		if member == "conditionCheck" && a.ConditionExpression == nil {
			v.add("Value null at '%s.conditionExpression' failed to satisfy constraint: Member must not be null", p)
		}
		v.enum(p+".returnValuesOnConditionCheckFailure", a.ReturnValuesOnConditionCheckFailure, "ALL_OLD", "NONE")
	}
	in.capacityInput.check(&v)
	if err := v.err(); err != nil {
		return nil, err
	}
	for _, w := range in.TransactItems {
		if _, _, _, _, n := w.action(); n != 1 {
			return nil, validationErr("TransactItems can only contain one of Check, Put, Update or Delete")
		}
	}
	// As for single-item requests, names and values are checked before any table is looked
	// up and the expressions themselves after the item's key.
	writes := make([]txWrite, len(in.TransactItems))
	parseErrs := make([]error, len(in.TransactItems))
	for i, w := range in.TransactItems {
		a, kind, _, _, _ := w.action()
		ex := newExprs(a.exprInput)
		if err := ex.precheck(anySet(a.UpdateExpression, a.ConditionExpression)); err != nil {
			return nil, err
		}
		wr := &writes[i]
		wr.kind, wr.onFailure = kind, a.ReturnValuesOnConditionCheckFailure
		var err error
		if kind == "Update" {
			wr.upd, err = ex.update(a.UpdateExpression)
		}
		if err == nil {
			wr.cond, err = ex.condition(a.ConditionExpression, expr.KindCondition)
		}
		if err != nil {
			parseErrs[i] = err
			continue
		}
		if err := ex.done(); err != nil {
			return nil, err
		}
	}
	seen := map[txTarget]bool{}
	var tables []*table
	for i, w := range in.TransactItems {
		a, kind, iamOp, _, _ := w.action()
		t, err := s.dataTable(ctx, iamOp, a.TableName)
		if err != nil {
			return nil, err
		}
		wr := &writes[i]
		wr.t = t
		if kind == "Put" {
			if wr.h, wr.r, err = t.itemKey(a.Item); err == nil {
				err = asValidation(a.Item.CheckSize())
			}
			if err == nil {
				err = t.checkIndexKeysLocked(a.Item)
			}
			wr.item = a.Item
		} else {
			wr.h, wr.r, err = t.keyOf(a.Key)
		}
		if err != nil {
			return nil, err
		}
		if parseErrs[i] != nil {
			return nil, parseErrs[i]
		}
		if wr.upd != nil {
			var names []string
			for _, k := range t.keyAttrs() {
				names = append(names, k.name)
			}
			if err := wr.upd.checkKeys(names...); err != nil {
				return nil, err
			}
		}
		id := targetOf(t, wr.h, wr.r)
		if seen[id] {
			return nil, validationErr(msgTxSameItem)
		}
		seen[id] = true
		tables = append(tables, t)
	}

	token := ""
	var digest [32]byte
	if in.ClientRequestToken != nil {
		token, digest = *in.ClientRequestToken, digestOf(in)
		s.mu.Lock()
		out, done, err := s.txTokens.replay(token, digest, s.env.Now())
		s.mu.Unlock()
		if err != nil || done {
			return out, err
		}
	}

	sizes := map[*table]int{}
	err := s.withTablesKeys(ctx, tables, func(keys map[*table]*tableKeys) error {
		reasons := make([]cancellationReason, len(writes))
		next := make([]attr.Item, len(writes))
		failed := false
		for i := range writes {
			wr := &writes[i]
			reasons[i].Code = "None"
			old, err := wr.t.get(keys[wr.t], wr.h, wr.r)
			if err != nil {
				return err
			}
			if !wr.cond.eval(old) {
				reasons[i] = cancellationReason{Code: "ConditionalCheckFailed", Message: msgConditionFailed}
				if wr.onFailure == "ALL_OLD" {
					reasons[i].Item = old
				}
				failed = true
				continue
			}
			switch wr.kind {
			case "Put":
				next[i] = wr.item
			case "Update":
				cur := old.Clone()
				if cur == nil {
					cur = wr.t.keyItem(wr.h, wr.r)
				}
				n, err := wr.upd.apply(cur)
				if err == nil && n.Size() > attr.MaxItemSize {
					err = validationErr(attr.MsgUpdateTooLarge)
				}
				if err == nil {
					err = wr.t.checkIndexKeys(n)
				}
				if err != nil {
					reasons[i] = cancellationReason{Code: "ValidationError", Message: validationMessage(err)}
					failed = true
					continue
				}
				next[i] = n
			}
		}
		if failed {
			return errTxCanceled(reasons)
		}
		for i := range writes {
			wr := &writes[i]
			switch wr.kind {
			case "Put", "Update":
				if err := s.put(wr.t, keys[wr.t], next[i]); err != nil {
					return err
				}
				sizes[wr.t] += next[i].Size()
			case "Delete":
				wr.t.del(keys[wr.t], wr.h, wr.r)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := struct {
		ConsumedCapacity []consumedCapacity `json:"ConsumedCapacity,omitempty"`
	}{}
	for _, t := range uniqueTables(tables) {
		// A transactional write costs two writes (prepare and commit).
		c := capacity(in.ReturnConsumedCapacity, t.name, sizes[t], true, true)
		if c != nil {
			c.CapacityUnits *= 2
			if c.Table != nil {
				c.Table.CapacityUnits *= 2
			}
		}
		out.ConsumedCapacity = appendCapacity(out.ConsumedCapacity, c)
	}
	if token != "" {
		s.mu.Lock()
		s.txTokens.record(token, digest, s.env.Now(), out)
		s.mu.Unlock()
	}
	return out, nil
}

// uniqueTables lists tables once each, in first-use order.
func uniqueTables(tables []*table) []*table {
	seen := map[*table]bool{}
	var out []*table
	for _, t := range tables {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// validationMessage is the message of a ValidationException, for a cancellation reason.
func validationMessage(err error) string {
	var ae *api.Error
	if errors.As(err, &ae) {
		return ae.Message
	}
	return err.Error()
}
