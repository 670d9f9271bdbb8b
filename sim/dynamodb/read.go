package dynamodb

import (
	"context"
	"encoding/binary"
	"sort"

	"kmslab/sim/dynamodb/attr"
	"kmslab/sim/dynamodb/expr"
)

// maxPage is how much data one Query or Scan page reads before it stops, as on AWS.
const maxPage = 1 << 20

type readInput struct {
	TableName            string    `json:"TableName"`
	IndexName            string    `json:"IndexName"`
	Limit                *int      `json:"Limit"`
	ExclusiveStartKey    attr.Item `json:"ExclusiveStartKey"`
	FilterExpression     *string   `json:"FilterExpression"`
	ProjectionExpression *string   `json:"ProjectionExpression"`
	Select               string    `json:"Select"`
	ConsistentRead       *bool     `json:"ConsistentRead"`
	exprInput
	capacityInput
	legacy
}

type queryInput struct {
	readInput
	KeyConditionExpression *string `json:"KeyConditionExpression"`
	ScanIndexForward       *bool   `json:"ScanIndexForward"`
}

type scanInput struct {
	readInput
	Segment       *int `json:"Segment"`
	TotalSegments *int `json:"TotalSegments"`
}

type readOutput struct {
	Items            *[]attr.Item      `json:"Items,omitempty"`
	Count            int               `json:"Count"`
	ScannedCount     int               `json:"ScannedCount"`
	LastEvaluatedKey attr.Item         `json:"LastEvaluatedKey,omitempty"`
	ConsumedCapacity *consumedCapacity `json:"ConsumedCapacity,omitempty"`
}

// check validates what Query and Scan share, before anything is looked up.
func (in *readInput) check(v *validation) {
	v.tableName("tableName", in.TableName)
	if in.Limit != nil && *in.Limit < 1 {
		v.add("Value '%d' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1", *in.Limit)
	}
	v.enum("select", in.Select, "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES", "SPECIFIC_ATTRIBUTES", "COUNT")
	in.capacityInput.check(v)
}

func (in *readInput) checkSelect() error {
	if in.IndexName != "" {
		return errUnsupportedIndex(in.IndexName)
	}
	hasProj := in.ProjectionExpression != nil
	switch in.Select {
	case "COUNT":
		if hasProj {
			return validationErr("Cannot specify the ProjectionExpression when choosing to get only the Count")
		}
	case "ALL_ATTRIBUTES":
		if hasProj {
			return validationErr("Cannot specify the ProjectionExpression when choosing to get ALL_ATTRIBUTES")
		}
	case "ALL_PROJECTED_ATTRIBUTES":
		return validationErr("ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName")
	case "SPECIFIC_ATTRIBUTES":
		if !hasProj {
			return validationErr("SPECIFIC_ATTRIBUTES requires a ProjectionExpression")
		}
	}
	return in.legacy.check()
}

// page accumulates one Query or Scan page.
type page struct {
	t       *table
	limit   int
	filter  *condition
	proj    *projection
	count   bool
	out     readOutput
	items   []attr.Item
	bytes   int
	lastKey attr.Item
	full    bool // stopped by Limit or the 1 MB page size
}

// offer evaluates one item in order; it reports false once the page is full.
func (p *page) offer(it attr.Item) (bool, error) {
	if p.full {
		return false, nil
	}
	p.out.ScannedCount++
	size := it.Size()
	p.bytes += size
	h, r := p.t.keyValues(it)
	p.lastKey = p.t.keyItem(h, r)
	keep := true
	if p.filter != nil {
		keep = p.filter.eval(it)
	}
	if keep {
		p.out.Count++
		if !p.count {
			p.items = append(p.items, p.proj.apply(it))
		}
	}
	if p.out.ScannedCount >= p.limit || p.bytes >= maxPage {
		p.full = true
	}
	return true, nil
}

// finish builds the response; more says whether items remain after the last one offered.
func (p *page) finish(more bool, mode string, consistent bool) readOutput {
	out := p.out
	if !p.count {
		items := p.items
		if items == nil {
			items = []attr.Item{}
		}
		out.Items = &items
	}
	if p.full && more {
		out.LastEvaluatedKey = p.lastKey
	}
	out.ConsumedCapacity = capacity(mode, p.t.name, p.bytes, false, consistent)
	return out
}

// partitionItems decrypts the items of one partition, ordered by sort key. Callers hold t.mu.
func (t *table) partitionItems(k *tableKeys, ph string) ([]attr.Item, error) {
	p := t.partitions[ph]
	if p == nil {
		return nil, nil
	}
	items := make([]attr.Item, 0, len(p.items))
	for ih, st := range p.items {
		it, err := open(k, t.name, []byte(ih), st.sealed)
		if err != nil {
			return nil, err
		}
		items = append(items, it)
	}
	if t.rangeKey != nil {
		name := t.rangeKey.name
		sort.Slice(items, func(i, j int) bool { return attr.Compare(items[i][name], items[j][name]) < 0 })
	}
	return items, nil
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
	t, err := s.dataTable(ctx, "Query", in.TableName)
	if err != nil {
		return nil, err
	}
	if in.KeyConditionExpression == nil {
		return nil, validationErr("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.")
	}
	ex := newExprs(in.exprInput)
	kc, err := ex.keyCondition(*in.KeyConditionExpression, t)
	if err != nil {
		return nil, err
	}
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
	var start *attr.Value
	if in.ExclusiveStartKey != nil {
		h, r, err := t.keyOf(in.ExclusiveStartKey)
		if err != nil {
			return nil, validationErr("The provided starting key is invalid: %s", msgKeySchema)
		}
		if !attr.Equal(h, kc.hash) {
			return nil, validationErr("The provided starting key is invalid: The provided key element does not match the schema")
		}
		start = r
		if r == nil {
			start = &h
		}
	}
	forward := in.ScanIndexForward == nil || *in.ScanIndexForward
	p := &page{t: t, limit: limitOf(in.Limit), filter: filter, proj: proj, count: in.Select == "COUNT"}
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
		more := false
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
			ok, err := p.offer(it)
			if err != nil {
				return err
			}
			if !ok {
				more = true
				break
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

func limitOf(l *int) int {
	if l == nil {
		return int(^uint(0) >> 1)
	}
	return *l
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
