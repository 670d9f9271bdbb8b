package dynamodb

import (
	"context"
	"encoding/binary"
	"sort"

	"kmslab/sim/dynamodb/attr"
	"kmslab/sim/dynamodb/expr"
)

type scanInput struct {
	readInput
	Segment       *int `json:"Segment"`
	TotalSegments *int `json:"TotalSegments"`
}

// segmentOf spreads partitions over parallel-scan segments by their hash.
func segmentOf(ph string, total int) int {
	if len(ph) < 4 {
		return 0
	}
	return int(uint64(binary.BigEndian.Uint32([]byte(ph[:4]))) * uint64(total) >> 32)
}

func (s *Service) scan(ctx context.Context, body []byte) (any, error) {
	var in scanInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var v validation
	in.readInput.check(&v)
	if in.TotalSegments != nil && (*in.TotalSegments < 1 || *in.TotalSegments > 1000000) {
		v.add("Value '%d' at 'totalSegments' failed to satisfy constraint: Member must have value between 1 and 1000000", *in.TotalSegments)
	}
	if in.Segment != nil && (*in.Segment < 0 || *in.Segment > 999999) {
		v.add("Value '%d' at 'segment' failed to satisfy constraint: Member must have value between 0 and 999999", *in.Segment)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := in.checkSelect(); err != nil {
		return nil, err
	}
	segment, total := 0, 1
	switch {
	case in.Segment != nil && in.TotalSegments == nil:
		return nil, validationErr("The TotalSegments parameter is required but was not present in the request when Segment parameter is present")
	case in.Segment == nil && in.TotalSegments != nil:
		return nil, validationErr("The Segment parameter is required but was not present in the request when parameter TotalSegments is present")
	case in.Segment != nil:
		segment, total = *in.Segment, *in.TotalSegments
		if segment >= total {
			return nil, validationErr("The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: %d is not less than TotalSegments: %d", segment, total)
		}
	}
	t, err := s.dataTable(ctx, "Scan", in.TableName)
	if err != nil {
		return nil, err
	}
	ex := newExprs(in.exprInput)
	filter, err := ex.condition(in.FilterExpression, expr.KindFilter)
	if err != nil {
		return nil, err
	}
	proj, err := ex.projection(in.ProjectionExpression)
	if err != nil {
		return nil, err
	}
	if err := ex.done(); err != nil {
		return nil, err
	}
	var startH attr.Value
	var startR *attr.Value
	if in.ExclusiveStartKey != nil {
		h, r, err := t.keyOf(in.ExclusiveStartKey)
		if err != nil {
			return nil, validationErr("The provided starting key is invalid: %s", msgKeySchema)
		}
		startH, startR = h, r
	}
	p := &page{t: t, limit: limitOf(in.Limit), filter: filter, proj: proj, count: in.Select == "COUNT"}
	var out readOutput
	err = s.withKeys(ctx, t, func(k *tableKeys) error {
		i := 0
		startPart := ""
		if in.ExclusiveStartKey != nil {
			startPart = string(k.partHash(startH))
			i = sort.SearchStrings(t.order, startPart)
		}
		more := false
	parts:
		for ; i < len(t.order); i++ {
			ph := t.order[i]
			if total > 1 && segmentOf(ph, total) != segment {
				continue
			}
			if ph == startPart && startR == nil {
				continue // a hash-only partition holds the one item already returned
			}
			items, err := t.partitionItems(k, ph)
			if err != nil {
				return err
			}
			for _, it := range items {
				if ph == startPart && attr.Compare(it[t.rangeKey.name], *startR) <= 0 {
					continue
				}
				ok, err := p.offer(it)
				if err != nil {
					return err
				}
				if !ok {
					more = true
					break parts
				}
			}
		}
		out = p.finish(more, in.ReturnConsumedCapacity, in.ConsistentRead != nil && *in.ConsistentRead)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
