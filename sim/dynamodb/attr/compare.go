package attr

import (
	"bytes"
	"strings"
)

// Compare orders two values the way DynamoDB orders sort keys: N numerically, S by UTF-8
// bytes, B by unsigned bytes. Values of different types order by Type so that Compare is a
// total order usable for sorting; other types of the same kind compare by their canonical
// binary encoding. Conditions must not use it across types: see Comparable.
func Compare(a, b Value) int {
	if a.Type != b.Type {
		if a.Type < b.Type {
			return -1
		}
		return 1
	}
	switch a.Type {
	case TypeS:
		return strings.Compare(a.S, b.S)
	case TypeN:
		return CompareNumbers(a.N, b.N)
	case TypeB:
		return bytes.Compare(a.B, b.B)
	}
	return bytes.Compare(KeyBytes(a), KeyBytes(b))
}

// Comparable reports whether a and b can be ordered by <, <=, >, >= and BETWEEN in an
// expression: both S, both N, or both B. Otherwise DynamoDB evaluates the comparison to false.
func Comparable(a, b Value) bool {
	return a.Type == b.Type && (a.Type == TypeS || a.Type == TypeN || a.Type == TypeB)
}

// Equal reports whether a and b are the same DynamoDB value: numbers by value ("1" equals
// "1.0"), sets regardless of order, maps and lists deeply.
func Equal(a, b Value) bool {
	if a.Type != b.Type {
		return false
	}
	switch a.Type {
	case TypeS:
		return a.S == b.S
	case TypeN:
		return CompareNumbers(a.N, b.N) == 0
	case TypeB:
		return bytes.Equal(a.B, b.B)
	case TypeBOOL:
		return a.BOOL == b.BOOL
	case TypeNULL, TypeInvalid:
		return true
	case TypeSS:
		return sameSet(a.SS, b.SS, func(s string) string { return s })
	case TypeNS:
		return sameSet(a.NS, b.NS, func(s string) string {
			d, _ := parseDecimal(s)
			return d.String()
		})
	case TypeBS:
		return sameSet(a.BS, b.BS, func(b []byte) string { return string(b) })
	case TypeL:
		if len(a.L) != len(b.L) {
			return false
		}
		for i := range a.L {
			if !Equal(a.L[i], b.L[i]) {
				return false
			}
		}
		return true
	case TypeM:
		if len(a.M) != len(b.M) {
			return false
		}
		for k, av := range a.M {
			bv, ok := b.M[k]
			if !ok || !Equal(av, bv) {
				return false
			}
		}
		return true
	}
	return false
}

func sameSet[E any](a, b []E, key func(E) string) bool {
	ka := make(map[string]int, len(a))
	for _, e := range a {
		ka[key(e)]++
	}
	kb := make(map[string]int, len(b))
	for _, e := range b {
		kb[key(e)]++
	}
	if len(ka) != len(kb) {
		return false
	}
	for k := range ka {
		if kb[k] == 0 {
			return false
		}
	}
	return true
}

// Equal reports whether two items hold the same attributes with Equal values.
func (it Item) Equal(other Item) bool {
	if len(it) != len(other) {
		return false
	}
	for k, v := range it {
		o, ok := other[k]
		if !ok || !Equal(v, o) {
			return false
		}
	}
	return true
}

// SetContains reports whether set value s (SS, NS or BS) holds element e (S, N or B).
func SetContains(s, e Value) bool {
	switch {
	case s.Type == TypeSS && e.Type == TypeS:
		for _, x := range s.SS {
			if x == e.S {
				return true
			}
		}
	case s.Type == TypeNS && e.Type == TypeN:
		for _, x := range s.NS {
			if CompareNumbers(x, e.N) == 0 {
				return true
			}
		}
	case s.Type == TypeBS && e.Type == TypeB:
		for _, x := range s.BS {
			if bytes.Equal(x, e.B) {
				return true
			}
		}
	}
	return false
}

// SetUnion returns a ∪ b for two sets of the same type (a's order, then b's new members);
// ok is false when the types differ or are not sets.
func SetUnion(a, b Value) (Value, bool) {
	if a.Type != b.Type || !a.Type.IsSet() {
		return Value{}, false
	}
	out := a.Clone()
	for _, e := range b.Elements() {
		if !SetContains(out, e) {
			out = out.withElement(e)
		}
	}
	return out, true
}

// SetDifference returns a minus the members of b; ok is false when the types differ or are
// not sets. The result may be empty (Len 0): DynamoDB then removes the attribute.
func SetDifference(a, b Value) (Value, bool) {
	if a.Type != b.Type || !a.Type.IsSet() {
		return Value{}, false
	}
	out := Value{Type: a.Type}
	for _, e := range a.Elements() {
		if !SetContains(b, e) {
			out = out.withElement(e)
		}
	}
	return out, true
}

// Elements returns the members of a set as scalar values (S, N or B); nil for non-sets.
func (v Value) Elements() []Value {
	var out []Value
	switch v.Type {
	case TypeSS:
		for _, s := range v.SS {
			out = append(out, String(s))
		}
	case TypeNS:
		for _, n := range v.NS {
			out = append(out, Value{Type: TypeN, N: n})
		}
	case TypeBS:
		for _, b := range v.BS {
			out = append(out, Binary(b))
		}
	}
	return out
}

func (v Value) withElement(e Value) Value {
	switch v.Type {
	case TypeSS:
		v.SS = append(v.SS, e.S)
	case TypeNS:
		v.NS = append(v.NS, e.N)
	case TypeBS:
		v.BS = append(v.BS, e.B)
	}
	return v
}
