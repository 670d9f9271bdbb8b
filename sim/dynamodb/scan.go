package dynamodb

import (
	"context"
	"encoding/binary"

	"kmslab/sim/dynamodb/attr"
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
	if err := earlyExprChecks(in.exprInput, nil, in.FilterExpression, in.ProjectionExpression); err != nil {
		return nil, err
	}
	t, err := s.readTable(ctx, "Scan", in.TableName, in.IndexName)
	if err != nil {
		return nil, err
	}
	ix, err := in.readIndex(t, s.env.Now())
	if err != nil {
		return nil, err
	}
	ex := newExprs(in.exprInput)
	p, err := in.newPage(t, ix, ex)
	if err != nil {
		return nil, err
	}
	if ix != nil {
		return s.scanIndex(ctx, &in, t, ix, p, segment, total)
	}
	var startH attr.Value
	var startR *attr.Value
	if in.ExclusiveStartKey != nil {
		if startH, startR, err = in.startKey(t); err != nil {
			return nil, err
		}
	}
	var out readOutput
	err = s.withKeys(ctx, t, func(k *tableKeys) error {
		startPart := ""
		if in.ExclusiveStartKey != nil {
			startPart = k.partHash(startH)
		}
		var err error
		t.items.ascend(startPart, func(ph string, _ *partition) bool {
			if total > 1 && segmentOf(ph, total) != segment {
				return true
			}
			if ph == startPart && startR == nil {
				return true // a hash-only partition holds the one item already returned
			}
			var items []attr.Item
			if items, err = t.partitionItems(k, ph); err != nil {
				return false
			}
			for _, it := range items {
				if ph == startPart && attr.Compare(it[t.rangeKey.name], *startR) <= 0 {
					continue
				}
				if !p.offer(it) {
					return false
				}
			}
			return true
		})
		if err != nil {
			return err
		}
		out = p.finish()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// scanIndex is Scan on a secondary index: every item the index holds, in index order.
func (s *Service) scanIndex(ctx context.Context, in *scanInput, t *table, ix *index, p *page, segment, total int) (any, error) {
	var start attr.Item
	if in.ExclusiveStartKey != nil {
		var err error
		if start, err = in.indexStartKey(t, ix); err != nil {
			return nil, err
		}
	}
	var out readOutput
	err := s.withKeys(ctx, t, func(k *tableKeys) error {
		entries, err := t.indexItems(k, ix, "")
		if err != nil {
			return err
		}
		startPart := ""
		if start != nil {
			startPart = k.partHashOf(ix.partValues(start))
		}
		for _, e := range entries {
			if total > 1 && segmentOf(e.ph, total) != segment {
				continue
			}
			if start != nil && (e.ph < startPart || e.ph == startPart && t.cmpInPartition(ix, e.it, start) <= 0) {
				continue
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
