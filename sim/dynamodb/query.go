package dynamodb

import (
	"context"
	"slices"

	"kmslab/sim/dynamodb/attr"
)

type queryInput struct {
	readInput
	KeyConditionExpression *string `json:"KeyConditionExpression"`
	ScanIndexForward       *bool   `json:"ScanIndexForward"`
}

func (s *Service) query(ctx context.Context, body []byte) (any, error) {
	var in queryInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var v validation
	in.readInput.check(&v)
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := in.checkSelect(); err != nil {
		return nil, err
	}
	if err := earlyExprChecks(in.exprInput, in.KeyConditionExpression, in.FilterExpression, in.ProjectionExpression); err != nil {
		return nil, err
	}
	t, err := s.readTable(ctx, "Query", in.TableName, in.IndexName)
	if err != nil {
		return nil, err
	}
	if in.KeyConditionExpression == nil {
		return nil, validationErr("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.")
	}
	ix, err := in.readIndex(t, s.env.Now())
	if err != nil {
		return nil, err
	}
	ex := newExprs(in.exprInput)
	var kc *keyCondition
	if ix == nil {
		kc, err = ex.keyCondition(*in.KeyConditionExpression, t)
	} else {
		kc, err = ex.indexKeyCondition(*in.KeyConditionExpression, ix)
	}
	if err != nil {
		return nil, err
	}
	p, err := in.newPage(t, ix, ex)
	if err != nil {
		return nil, err
	}
	if ix != nil {
		return s.queryIndex(ctx, &in, t, ix, kc, p)
	}
	var start *attr.Value
	if in.ExclusiveStartKey != nil {
		h, r, err := in.startKey(t)
		if err != nil {
			return nil, err
		}
		if !attr.Equal(h, kc.hash) {
			return nil, errBadStartKey()
		}
		start = r
		if r == nil {
			start = &h
		}
	}
	forward := in.ScanIndexForward == nil || *in.ScanIndexForward
	var out readOutput
	err = s.withKeys(ctx, t, func(k *tableKeys) error {
		items, err := t.partitionItems(k, string(k.partHash(kc.hash)))
		if err != nil {
			return err
		}
		if !forward {
			for i, j := 0, len(items)-1; i < j; i, j = i+1, j-1 {
				items[i], items[j] = items[j], items[i]
			}
		}
		for _, it := range items {
			if t.rangeKey != nil {
				rv := it[t.rangeKey.name]
				if !kc.matches(rv) {
					continue
				}
				if start != nil {
					c := attr.Compare(rv, *start)
					if forward && c <= 0 || !forward && c >= 0 {
						continue
					}
				}
			} else if start != nil {
				continue // the one item of the partition was already returned
			}
			if !p.offer(it) {
				break
			}
		}
		out = p.finish()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// queryIndex is Query on a secondary index: the items of one index partition that match the
// key condition, in index order.
func (s *Service) queryIndex(ctx context.Context, in *queryInput, t *table, ix *index, kc *keyCondition, p *page) (any, error) {
	var start attr.Item
	if in.ExclusiveStartKey != nil {
		var err error
		if start, err = in.indexStartKey(t, ix); err != nil {
			return nil, err
		}
		for i, h := range ix.hashKeys {
			if !attr.Equal(start[h.name], kc.hashes[i]) {
				return nil, errBadStartKey()
			}
		}
	}
	forward := in.ScanIndexForward == nil || *in.ScanIndexForward
	var out readOutput
	err := s.withKeys(ctx, t, func(k *tableKeys) error {
		entries, err := t.indexItems(k, ix, k.partHashOf(kc.hashes))
		if err != nil {
			return err
		}
		if !forward {
			slices.Reverse(entries)
		}
		for _, e := range entries {
			if !kc.matchesIndex(ix, e.it) {
				continue
			}
			if start != nil {
				c := t.cmpInPartition(ix, e.it, start)
				if forward && c <= 0 || !forward && c >= 0 {
					continue
				}
			}
			if !p.offer(e.it) {
				break
			}
		}
		out = p.finish()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
