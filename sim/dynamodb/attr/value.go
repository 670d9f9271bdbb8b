// Package attr is the DynamoDB AttributeValue model of the offline emulator: the value types,
// their awsJson1_0 wire form ({"S":"x"}, {"N":"1"}, {"M":{...}}, ...), validation with the
// messages DynamoDB itself returns, ordering and equality as DynamoDB applies them to keys and
// conditions, item size accounting, and a canonical binary encoding for storage.
//
// A Value decoded from JSON is always valid (UnmarshalJSON runs Validate); values built in code
// should be checked with Validate before they are stored. Numbers are kept as canonical decimal
// strings (DynamoDB trims leading and trailing zeros and returns "1.5" for "01.50") and compared
// exactly, never through float64.
package attr

import (
	"bytes"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Type is the data type of a Value, named as on the wire.
type Type uint8

// The DynamoDB data types. TypeInvalid is the zero Type: a Value with no type set, which
// DynamoDB rejects as "Supplied AttributeValue is empty".
const (
	TypeInvalid Type = iota
	TypeS
	TypeN
	TypeB
	TypeSS
	TypeNS
	TypeBS
	TypeM
	TypeL
	TypeNULL
	TypeBOOL
)

var typeNames = [...]string{"", "S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL"}

// String returns the wire name of t ("S", "NS", "BOOL", ...), or "" for TypeInvalid.
func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return fmt.Sprintf("Type(%d)", t)
}

// ParseType maps a wire name ("S", "N", ...) to its Type; ok is false for anything else.
func ParseType(name string) (t Type, ok bool) {
	for i, n := range typeNames {
		if i > 0 && n == name {
			return Type(i), true
		}
	}
	return TypeInvalid, false
}

// IsSet reports whether t is one of the set types SS, NS, BS.
func (t Type) IsSet() bool { return t == TypeSS || t == TypeNS || t == TypeBS }

// Value is one DynamoDB AttributeValue. Type says which field holds the data; the other fields
// are zero. N and NS hold canonical decimal strings (see Number).
type Value struct {
	Type Type
	S    string
	N    string
	B    []byte
	SS   []string
	NS   []string
	BS   [][]byte
	M    map[string]Value
	L    []Value
	BOOL bool
}

// Item is a DynamoDB item (or key): attribute names to values.
type Item map[string]Value

// String returns an S value.
func String(s string) Value { return Value{Type: TypeS, S: s} }

// Number returns an N value from a decimal string such as "-1.5e3", normalised to DynamoDB's
// canonical form ("-1500"). The error is a *ValidationError with DynamoDB's message.
func Number(s string) (Value, error) {
	c, err := canonicalNumber(s)
	if err != nil {
		return Value{}, err
	}
	return Value{Type: TypeN, N: c}, nil
}

// Int returns an N value holding i.
func Int(i int64) Value {
	return Value{Type: TypeN, N: fmt.Sprint(i)}
}

// Binary returns a B value. The slice is not copied.
func Binary(b []byte) Value { return Value{Type: TypeB, B: b} }

// StringSet returns an SS value (not validated: see Validate).
func StringSet(ss ...string) Value { return Value{Type: TypeSS, SS: ss} }

// NumberSet returns an NS value, normalising each number. Duplicates and an empty set are
// reported by Validate, not here.
func NumberSet(ns ...string) (Value, error) {
	out := make([]string, len(ns))
	for i, n := range ns {
		c, err := canonicalNumber(n)
		if err != nil {
			return Value{}, err
		}
		out[i] = c
	}
	return Value{Type: TypeNS, NS: out}, nil
}

// BinarySet returns a BS value (not validated: see Validate).
func BinarySet(bs ...[]byte) Value { return Value{Type: TypeBS, BS: bs} }

// Map returns an M value. The map is not copied.
func Map(m map[string]Value) Value {
	if m == nil {
		m = map[string]Value{}
	}
	return Value{Type: TypeM, M: m}
}

// List returns an L value.
func List(vs ...Value) Value {
	if vs == nil {
		vs = []Value{}
	}
	return Value{Type: TypeL, L: vs}
}

// Null returns the NULL value ({"NULL":true}).
func Null() Value { return Value{Type: TypeNULL} }

// Bool returns a BOOL value.
func Bool(b bool) Value { return Value{Type: TypeBOOL, BOOL: b} }

// Len is the element count of a set, list or map, the byte length of S and B, and 0 otherwise.
func (v Value) Len() int {
	switch v.Type {
	case TypeS:
		return len(v.S)
	case TypeB:
		return len(v.B)
	case TypeSS:
		return len(v.SS)
	case TypeNS:
		return len(v.NS)
	case TypeBS:
		return len(v.BS)
	case TypeM:
		return len(v.M)
	case TypeL:
		return len(v.L)
	}
	return 0
}

// Clone returns a deep copy of v, so that updates to the copy never reach stored items.
func (v Value) Clone() Value {
	out := v
	switch v.Type {
	case TypeB:
		out.B = bytes.Clone(v.B)
	case TypeSS:
		out.SS = slices.Clone(v.SS)
	case TypeNS:
		out.NS = slices.Clone(v.NS)
	case TypeBS:
		out.BS = make([][]byte, len(v.BS))
		for i, b := range v.BS {
			out.BS[i] = bytes.Clone(b)
		}
	case TypeM:
		out.M = make(map[string]Value, len(v.M))
		for k, e := range v.M {
			out.M[k] = e.Clone()
		}
	case TypeL:
		out.L = make([]Value, len(v.L))
		for i, e := range v.L {
			out.L[i] = e.Clone()
		}
	}
	return out
}

// Clone returns a deep copy of the item.
func (it Item) Clone() Item {
	if it == nil {
		return nil
	}
	out := make(Item, len(it))
	for k, v := range it {
		out[k] = v.Clone()
	}
	return out
}

// Names returns the attribute names of the item in sorted order.
func (it Item) Names() []string {
	names := make([]string, 0, len(it))
	for k := range it {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// String renders v compactly for messages, in the style DynamoDB uses inside error texts
// ("{S:abc}", "{N:1}", "{SS:[a, b]}").
func (v Value) String() string {
	var b strings.Builder
	v.writeString(&b)
	return b.String()
}

func (v Value) writeString(b *strings.Builder) {
	b.WriteByte('{')
	b.WriteString(v.Type.String())
	b.WriteByte(':')
	switch v.Type {
	case TypeS:
		b.WriteString(v.S)
	case TypeN:
		b.WriteString(v.N)
	case TypeB:
		b.WriteString(b64(v.B))
	case TypeSS:
		b.WriteString("[" + strings.Join(v.SS, ", ") + "]")
	case TypeNS:
		b.WriteString("[" + strings.Join(v.NS, ", ") + "]")
	case TypeBS:
		parts := make([]string, len(v.BS))
		for i, e := range v.BS {
			parts[i] = b64(e)
		}
		b.WriteString("[" + strings.Join(parts, ", ") + "]")
	case TypeM:
		keys := make([]string, 0, len(v.M))
		for k := range v.M {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(k + "=")
			v.M[k].writeString(b)
		}
		b.WriteByte('}')
	case TypeL:
		b.WriteByte('[')
		for i, e := range v.L {
			if i > 0 {
				b.WriteString(", ")
			}
			e.writeString(b)
		}
		b.WriteByte(']')
	case TypeNULL:
		b.WriteString("true")
	case TypeBOOL:
		fmt.Fprint(b, v.BOOL)
	}
	b.WriteByte('}')
}
