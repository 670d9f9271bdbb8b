package dynamodb

import (
	"context"
	"fmt"

	"kmslab/sim/dynamodb/attr"
)

type txGet struct {
	TableName                string            `json:"TableName"`
	Key                      attr.Item         `json:"Key"`
	ProjectionExpression     *string           `json:"ProjectionExpression"`
	ExpressionAttributeNames map[string]string `json:"ExpressionAttributeNames"`
}

type transactGetInput struct {
	TransactItems []struct {
		Get *txGet `json:"Get"`
	} `json:"TransactItems"`
	capacityInput
}

type itemResponse struct {
	Item attr.Item `json:"Item,omitempty"`
}

func (s *Service) transactGetItems(ctx context.Context, body []byte) (any, error) {
	var in transactGetInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var v validation
	v.transactItems(in.TransactItems == nil, len(in.TransactItems))
	for i, it := range in.TransactItems {
		p := fmt.Sprintf("transactItems.%d.member.get", i+1)
		if it.Get == nil {
			v.add("Value null at '%s' failed to satisfy constraint: Member must not be null", p)
			continue
		}
		v.tableName(p+".tableName", it.Get.TableName)
		if it.Get.Key == nil {
			v.add("Value null at '%s.key' failed to satisfy constraint: Member must not be null", p)
		}
	}
	in.capacityInput.check(&v)
	if err := v.err(); err != nil {
		return nil, err
	}
	type get struct {
		t    *table
		h    attr.Value
		r    *attr.Value
		proj *projection
	}
	gets := make([]get, len(in.TransactItems))
	for i, it := range in.TransactItems {
		ex := newExprs(exprInput{ExpressionAttributeNames: it.Get.ExpressionAttributeNames})
		proj, err := ex.projection(it.Get.ProjectionExpression)
		if err != nil {
			return nil, err
		}
		if err := ex.done(); err != nil {
			return nil, err
		}
		gets[i].proj = proj
	}
	seen := map[txTarget]bool{}
	var tables []*table
	for i, it := range in.TransactItems {
		t, err := s.dataTable(ctx, "GetItem", it.Get.TableName)
		if err != nil {
			return nil, err
		}
		h, r, err := t.keyOf(it.Get.Key)
		if err != nil {
			return nil, err
		}
		id := targetOf(t, h, r)
		if seen[id] {
			return nil, validationErr(msgTxSameItem)
		}
		seen[id] = true
		gets[i].t, gets[i].h, gets[i].r = t, h, r
		tables = append(tables, t)
	}
	out := struct {
		Responses        []itemResponse     `json:"Responses"`
		ConsumedCapacity []consumedCapacity `json:"ConsumedCapacity,omitempty"`
	}{Responses: make([]itemResponse, len(gets))}
	sizes := map[*table]int{}
	err := s.withTablesKeys(ctx, tables, func(keys map[*table]*tableKeys) error {
		for i, g := range gets {
			it, err := g.t.get(keys[g.t], g.h, g.r)
			if err != nil {
				return err
			}
			if it != nil {
				sizes[g.t] += it.Size()
				out.Responses[i].Item = g.proj.apply(it)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, t := range uniqueTables(tables) {
		// A transactional read costs two strongly consistent reads.
		c := capacity(in.ReturnConsumedCapacity, t.name, sizes[t], false, true)
		if c != nil {
			c.CapacityUnits *= 2
			if c.Table != nil {
				c.Table.CapacityUnits *= 2
			}
		}
		out.ConsumedCapacity = appendCapacity(out.ConsumedCapacity, c)
	}
	return out, nil
}
