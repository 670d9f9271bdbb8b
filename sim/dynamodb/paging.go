package dynamodb

import (
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
		if in.IndexName == "" {
			return validationErr("ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName")
		}
		if hasProj {
			return validationErr("Cannot specify the ProjectionExpression when choosing to get ALL_PROJECTED_ATTRIBUTES")
		}
	case "SPECIFIC_ATTRIBUTES":
		if !hasProj {
			return validationErr("SPECIFIC_ATTRIBUTES requires a ProjectionExpression")
		}
	}
	return in.legacy.check()
}

// newPage parses a Query or Scan's FilterExpression and ProjectionExpression (after any
// key condition already parsed in ex), checks the request's names and values, and returns
// the empty page the operation fills. ix is the index read, nil for the table.
func (in *readInput) newPage(t *table, ix *index, ex *exprs) (*page, error) {
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
	p := &page{
		t: t, limit: limitOf(in.Limit), filter: filter, proj: proj, count: in.Select == "COUNT",
		capacity: in.ReturnConsumedCapacity, consistent: isTrue(in.ConsistentRead),
	}
	if ix != nil {
		p.iv = &indexView{t: t, ix: ix, whole: in.Select == "ALL_ATTRIBUTES"}
	}
	return p, nil
}

// startKey checks ExclusiveStartKey (present) against the table's key schema.
func (in *readInput) startKey(t *table) (attr.Value, *attr.Value, error) {
	h, r, err := t.keyOf(in.ExclusiveStartKey)
	if err != nil {
		return attr.Value{}, nil, errBadStartKey()
	}
	return h, r, nil
}

func errBadStartKey() error {
	return validationErr("The provided starting key is invalid: %s", msgKeySchema)
}

// page accumulates one Query or Scan page.
type page struct {
	t          *table
	iv         *indexView // nil when reading the table
	limit      int
	filter     *condition
	proj       *projection
	count      bool
	capacity   string // ReturnConsumedCapacity
	consistent bool
	out        readOutput
	items      []attr.Item
	bytes      int
	lastKey    attr.Item
	full       bool // stopped by Limit or the 1 MB page size
	more       bool // an item was offered after the page was full
}

// offer evaluates one item in order; it reports false once the page is full.
func (p *page) offer(it attr.Item) bool {
	if p.full {
		p.more = true
		return false
	}
	p.out.ScannedCount++
	size := it.Size()
	p.bytes += size
	view := it
	if p.iv != nil {
		p.lastKey = p.iv.lastKey(it)
		view = p.iv.view(it)
	} else {
		h, r := p.t.keyValues(it)
		p.lastKey = p.t.keyItem(h, r)
	}
	keep := true
	if p.filter != nil {
		keep = p.filter.eval(view)
	}
	if keep {
		p.out.Count++
		switch {
		case p.count:
		case p.iv != nil:
			p.items = append(p.items, p.iv.result(it, p.proj))
		default:
			p.items = append(p.items, p.proj.apply(it))
		}
	}
	if p.out.ScannedCount >= p.limit || p.bytes >= maxPage {
		p.full = true
	}
	return true
}

// finish builds the response; LastEvaluatedKey is set only if items remain after the page.
func (p *page) finish() readOutput {
	out := p.out
	if !p.count {
		items := p.items
		if items == nil {
			items = []attr.Item{}
		}
		out.Items = &items
	}
	if p.full && p.more {
		out.LastEvaluatedKey = p.lastKey
	}
	out.ConsumedCapacity = capacity(p.capacity, p.t.name, p.bytes, false, p.consistent)
	return out
}

func limitOf(l *int) int {
	if l == nil {
		return int(^uint(0) >> 1)
	}
	return *l
}
