package expr

import (
	"sort"

	"kmslab/sim/dynamodb/attr"
)

// Projection is a parsed ProjectionExpression: the document paths to return.
type Projection struct {
	Paths []Path
}

// ParseProjection parses a comma-separated list of document paths, resolving #placeholders
// through sc. Overlapping paths (a and a.b) are rejected as DynamoDB does.
func ParseProjection(src string, sc *Scope) (*Projection, error) {
	p, err := newParser(KindProjection, src, sc)
	if err != nil {
		return nil, err
	}
	var paths []Path
	for {
		path, err := p.parsePath()
		if err != nil {
			return nil, err
		}
		paths = append(paths, path)
		if !p.isPunct(",") {
			break
		}
		p.next()
	}
	if err := p.expectEOF(); err != nil {
		return nil, err
	}
	if err := checkOverlap(p.kind, paths); err != nil {
		return nil, err
	}
	return &Projection{Paths: paths}, nil
}

// Apply returns the projection of item (see Project). A nil Projection returns the item.
func (p *Projection) Apply(item attr.Item) attr.Item {
	if p == nil {
		return item
	}
	return Project(item, p.Paths)
}

// projNode is a tree of the requested paths.
type projNode struct {
	all     bool // the whole value below here is requested
	fields  map[string]*projNode
	indexes map[int]*projNode
}

func (n *projNode) child(e Elem) *projNode {
	if e.IsIndex {
		if n.indexes == nil {
			n.indexes = map[int]*projNode{}
		}
		c := n.indexes[e.Index]
		if c == nil {
			c = &projNode{}
			n.indexes[e.Index] = c
		}
		return c
	}
	if n.fields == nil {
		n.fields = map[string]*projNode{}
	}
	c := n.fields[e.Name]
	if c == nil {
		c = &projNode{}
		n.fields[e.Name] = c
	}
	return c
}

// Project returns a new item holding only the given paths of item, as DynamoDB shapes
// projections: nested maps keep their structure, selected list elements are gathered in index
// order into a shorter list, and missing paths are left out.
func Project(item attr.Item, paths []Path) attr.Item {
	root := &projNode{}
	for _, p := range paths {
		n := root
		for _, e := range p {
			n = n.child(e)
		}
		n.all = true
	}
	out := attr.Item{}
	for name, n := range root.fields {
		if v, ok := item[name]; ok {
			if pv, ok := n.project(v); ok {
				out[name] = pv
			}
		}
	}
	return out
}

func (n *projNode) project(v attr.Value) (attr.Value, bool) {
	if n.all {
		return v.Clone(), true
	}
	switch {
	case v.Type == attr.TypeM && n.fields != nil:
		m := map[string]attr.Value{}
		for name, c := range n.fields {
			if e, ok := v.M[name]; ok {
				if pv, ok := c.project(e); ok {
					m[name] = pv
				}
			}
		}
		if len(m) == 0 {
			return attr.Value{}, false
		}
		return attr.Map(m), true
	case v.Type == attr.TypeL && n.indexes != nil:
		idx := make([]int, 0, len(n.indexes))
		for i := range n.indexes {
			idx = append(idx, i)
		}
		sort.Ints(idx)
		var l []attr.Value
		for _, i := range idx {
			if i < len(v.L) {
				if pv, ok := n.indexes[i].project(v.L[i]); ok {
					l = append(l, pv)
				}
			}
		}
		if len(l) == 0 {
			return attr.Value{}, false
		}
		return attr.List(l...), true
	}
	return attr.Value{}, false
}
