package expr

import (
	"strconv"
	"strings"

	"kmslab/sim/dynamodb/attr"
)

// Elem is one step of a document path: a map key / attribute name, or a list index.
type Elem struct {
	Name    string
	Index   int
	IsIndex bool
}

// Path is a document path such as a.b[0].c, with placeholders already resolved.
type Path []Elem

// String renders the path in expression syntax (a.b[0].c).
func (p Path) String() string {
	var b strings.Builder
	for i, e := range p {
		switch {
		case e.IsIndex:
			b.WriteString("[" + strconv.Itoa(e.Index) + "]")
		case i > 0:
			b.WriteString("." + e.Name)
		default:
			b.WriteString(e.Name)
		}
	}
	return b.String()
}

// listForm renders the path as DynamoDB does in overlap messages: [a, b, [0]].
func (p Path) listForm() string {
	parts := make([]string, len(p))
	for i, e := range p {
		if e.IsIndex {
			parts[i] = "[" + strconv.Itoa(e.Index) + "]"
		} else {
			parts[i] = e.Name
		}
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// Get returns the value at path in item; ok is false if any step is missing or the wrong
// kind of container.
func Get(item attr.Item, path Path) (attr.Value, bool) {
	if len(path) == 0 || path[0].IsIndex {
		return attr.Value{}, false
	}
	v, ok := item[path[0].Name]
	if !ok {
		return attr.Value{}, false
	}
	for _, e := range path[1:] {
		switch {
		case e.IsIndex && v.Type == attr.TypeL && e.Index < len(v.L):
			v = v.L[e.Index]
		case !e.IsIndex && v.Type == attr.TypeM:
			if v, ok = v.M[e.Name]; !ok {
				return attr.Value{}, false
			}
		default:
			return attr.Value{}, false
		}
	}
	return v, true
}

// overlaps reports whether one path is a prefix of the other (including equal paths).
func overlaps(a, b Path) bool {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// checkOverlap rejects a set of paths where one is a prefix of another, with DynamoDB's message.
func checkOverlap(kind Kind, paths []Path) error {
	for i := range paths {
		for j := 0; j < i; j++ {
			if overlaps(paths[j], paths[i]) {
				return invalid(kind, "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: %s, path two: %s",
					paths[j].listForm(), paths[i].listForm())
			}
		}
	}
	return nil
}
