package attr

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"github.com/go-json-experiment/json/jsontext"
)

// ErrSerialization marks wire input that is not a well-formed AttributeValue at all (wrong
// JSON types, bad base64). The service answers it with SerializationException; everything
// else UnmarshalJSON rejects is a *ValidationError.
var ErrSerialization = errors.New("attribute value serialization")

func serialErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrSerialization, fmt.Sprintf(format, args...))
}

// MarshalJSON writes v in DynamoDB's wire form. Maps are written with sorted keys so the
// output is deterministic. An invalid (zero) Value is written as {} rather than failing.
func (v Value) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	v.appendJSON(&b)
	return b.Bytes(), nil
}

// writeJSONString quotes s as RFC 8785's minimal JSON string, invalid UTF-8 replaced
// with U+FFFD as encoding/json does, without json.Marshal's allocation per string.
func writeJSONString(b *bytes.Buffer, s string) {
	q, _ := jsontext.AppendQuote(b.AvailableBuffer(), s) // invalid UTF-8 is replaced, not fatal
	b.Write(q)
}

func writeStrings(b *bytes.Buffer, ss []string) {
	b.WriteByte('[')
	for i, s := range ss {
		if i > 0 {
			b.WriteByte(',')
		}
		writeJSONString(b, s)
	}
	b.WriteByte(']')
}

func (v Value) appendJSON(b *bytes.Buffer) {
	if v.Type == TypeInvalid || int(v.Type) >= len(typeNames) {
		b.WriteString("{}")
		return
	}
	b.WriteString(`{"`)
	b.WriteString(v.Type.String())
	b.WriteString(`":`)
	switch v.Type {
	case TypeS:
		writeJSONString(b, v.S)
	case TypeN:
		writeJSONString(b, v.N)
	case TypeB:
		writeJSONString(b, b64(v.B))
	case TypeSS:
		writeStrings(b, v.SS)
	case TypeNS:
		writeStrings(b, v.NS)
	case TypeBS:
		b.WriteByte('[')
		for i, e := range v.BS {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(b, b64(e))
		}
		b.WriteByte(']')
	case TypeM:
		appendMapJSON(b, v.M)
	case TypeL:
		b.WriteByte('[')
		for i, e := range v.L {
			if i > 0 {
				b.WriteByte(',')
			}
			e.appendJSON(b)
		}
		b.WriteByte(']')
	case TypeNULL:
		b.WriteString("true")
	case TypeBOOL:
		if v.BOOL {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	}
	b.WriteByte('}')
}

func appendMapJSON(b *bytes.Buffer, m map[string]Value) {
	b.WriteByte('{')
	for i, k := range sortedKeys(m) {
		if i > 0 {
			b.WriteByte(',')
		}
		writeJSONString(b, k)
		b.WriteByte(':')
		m[k].appendJSON(b)
	}
	b.WriteByte('}')
}

// MarshalJSON writes the item as a JSON object of wire values, keys sorted.
func (it Item) MarshalJSON() ([]byte, error) {
	if it == nil {
		return []byte("null"), nil
	}
	var b bytes.Buffer
	appendMapJSON(&b, it)
	return b.Bytes(), nil
}

// UnmarshalJSON reads one wire AttributeValue and validates it (see Validate). Errors are a
// *ValidationError (DynamoDB's message) or wrap ErrSerialization.
func (v *Value) UnmarshalJSON(data []byte) error {
	if fast, ok := decodeValueFast(data); ok {
		*v = fast
		return nil
	}
	raw, err := decodeAny(data)
	if err != nil {
		return err
	}
	out, err := fromAny(raw, 1)
	if err != nil {
		return err
	}
	if err := out.Validate(); err != nil {
		return err
	}
	*v = out
	return nil
}

// UnmarshalJSON reads an item ({"name": {"S": "x"}, ...}) and validates every value.
func (it *Item) UnmarshalJSON(data []byte) error {
	if fast, ok := decodeItemFast(data); ok {
		*it = fast
		return nil
	}
	raw, err := decodeAny(data)
	if err != nil {
		return err
	}
	if raw == nil {
		*it = nil
		return nil
	}
	obj, ok := raw.(map[string]any)
	if !ok {
		return serialErr("item must be a JSON object")
	}
	out := make(Item, len(obj))
	for _, k := range sortedKeys(obj) {
		v, err := fromAny(obj[k], 1)
		if err != nil {
			return err
		}
		out[k] = v
	}
	if err := out.Validate(); err != nil {
		return err
	}
	*it = out
	return nil
}

// DecodeItem parses and validates an item in wire form.
func DecodeItem(data []byte) (Item, error) {
	var it Item
	if err := json.Unmarshal(data, &it); err != nil {
		return nil, err
	}
	return it, nil
}

func decodeAny(data []byte) (any, error) {
	var raw any
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, serialErr("%v", err)
	}
	return raw, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// fromAny converts decoded JSON into a Value. Null members count as absent (as the AWS
// deserializer treats them) and unknown members are ignored.
func fromAny(raw any, depth int) (Value, error) {
	obj, ok := raw.(map[string]any)
	if !ok {
		return Value{}, serialErr("attribute value must be a JSON object")
	}
	if depth > MaxDepth {
		return Value{}, &ValidationError{Message: msgNesting}
	}
	var (
		typ   Type
		field any
		count int
	)
	for k, f := range obj {
		t, known := ParseType(k)
		if !known || f == nil {
			continue
		}
		count++
		typ, field = t, f
	}
	switch count {
	case 0:
		return Value{}, &ValidationError{Message: MsgEmptyValue}
	case 1:
	default:
		return Value{}, &ValidationError{Message: MsgMultipleTypes}
	}
	v := Value{Type: typ}
	var err error
	switch typ {
	case TypeS:
		v.S, err = asString(field, "S")
	case TypeN:
		v.N, err = asString(field, "N")
		if err == nil {
			v.N, err = canonicalNumber(v.N)
		}
	case TypeB:
		v.B, err = asBinary(field, "B")
	case TypeSS:
		v.SS, err = asStrings(field, "SS")
	case TypeNS:
		v.NS, err = asStrings(field, "NS")
		for i := 0; err == nil && i < len(v.NS); i++ {
			v.NS[i], err = canonicalNumber(v.NS[i])
		}
	case TypeBS:
		var ss []string
		ss, err = asStrings(field, "BS")
		if err == nil {
			v.BS = make([][]byte, len(ss))
			for i := 0; err == nil && i < len(ss); i++ {
				v.BS[i], err = asBinary(ss[i], "BS")
			}
		}
	case TypeM:
		m, ok := field.(map[string]any)
		if !ok {
			return Value{}, serialErr("M must be a JSON object")
		}
		v.M = make(map[string]Value, len(m))
		for _, k := range sortedKeys(m) {
			e, err := fromAny(m[k], depth+1)
			if err != nil {
				return Value{}, err
			}
			v.M[k] = e
		}
	case TypeL:
		l, ok := field.([]any)
		if !ok {
			return Value{}, serialErr("L must be a JSON array")
		}
		v.L = make([]Value, len(l))
		for i, r := range l {
			if v.L[i], err = fromAny(r, depth+1); err != nil {
				return Value{}, err
			}
		}
	case TypeNULL:
		b, ok := field.(bool)
		if !ok {
			return Value{}, serialErr("NULL must be a JSON boolean")
		}
		if !b {
			return Value{}, &ValidationError{Message: msgNullFalse}
		}
	case TypeBOOL:
		b, ok := field.(bool)
		if !ok {
			return Value{}, serialErr("BOOL must be a JSON boolean")
		}
		v.BOOL = b
	}
	if err != nil {
		return Value{}, err
	}
	return v, nil
}

func asString(f any, name string) (string, error) {
	s, ok := f.(string)
	if !ok {
		return "", serialErr("%s must be a JSON string", name)
	}
	return s, nil
}

func asBinary(f any, name string) ([]byte, error) {
	s, err := asString(f, name)
	if err != nil {
		return nil, err
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, serialErr("%s is not valid base64: %v", name, err)
	}
	return b, nil
}

func asStrings(f any, name string) ([]string, error) {
	l, ok := f.([]any)
	if !ok {
		return nil, serialErr("%s must be a JSON array", name)
	}
	out := make([]string, len(l))
	for i, e := range l {
		s, ok := e.(string)
		if !ok {
			return nil, serialErr("%s members must be JSON strings", name)
		}
		out[i] = s
	}
	return out, nil
}
