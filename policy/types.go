package policy

import (
	"bytes"
	"encoding/json"
	"sort"
	"strconv"
)

// StringList is a JSON value that AWS accepts either as a single string or as
// a list of strings. A one-element list is written back as a plain string unless
// the enclosing Statement or Principal remembers that it was a list, so parsed
// documents keep their shape.
type StringList []string

// UnmarshalJSON accepts a string or a list of strings.
func (s *StringList) UnmarshalJSON(data []byte) error {
	l, _, err := decodeStrings(data, false)
	if err != nil {
		return err
	}
	*s = l
	return nil
}

// MarshalJSON writes one value as a string and anything else as a list.
func (s StringList) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	writeList(&b, s, len(s) == 1)
	return b.Bytes(), nil
}

// Principal is the Principal or NotPrincipal element: either "*" (Wildcard) or
// an object naming AWS accounts/ARNs, services and federated providers.
type Principal struct {
	AWS       StringList
	Service   StringList
	Federated StringList
	Wildcard  bool // "Principal": "*"

	lists uint8 // which fields were written as one-element JSON lists (bit per field)
}

const (
	listAWS uint8 = 1 << iota
	listService
	listFederated
)

// Statement is one statement of a policy document.
type Statement struct {
	Sid          string
	Effect       string
	Principal    *Principal
	NotPrincipal *Principal
	Action       StringList
	NotAction    StringList
	Resource     StringList
	NotResource  StringList
	// Condition maps operator (e.g. "StringEquals") to condition key to values.
	// Boolean and numeric JSON values are kept as their text.
	Condition map[string]map[string]StringList

	// lists names the elements ("Action", "Condition\x00op\x00key", ...) written
	// as one-element JSON lists, so marshalling keeps the author's shape.
	lists map[string]bool
}

// Document is a policy document.
type Document struct {
	Version   string
	ID        string
	Statement []Statement

	single bool // "Statement" was a JSON object rather than a list
}

// Effects.
const (
	EffectAllow = "Allow"
	EffectDeny  = "Deny"
)

// Policy language versions.
const (
	Version2012 = "2012-10-17"
	Version2008 = "2008-10-17"
)

// UnmarshalJSON parses and validates a document with the rules common to
// identity and resource policies (see Parse).
func (d *Document) UnmarshalJSON(data []byte) error {
	doc, err := decodeDocument(data)
	if err != nil {
		return err
	}
	if err := doc.validate(kindAny); err != nil {
		return err
	}
	*d = *doc
	return nil
}

// MarshalJSON writes the document with AWS's element order and the original
// string-or-list shapes.
func (d *Document) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	first := true
	field := func(name string) {
		if !first {
			b.WriteByte(',')
		}
		first = false
		writeString(&b, name)
		b.WriteByte(':')
	}
	if d.Version != "" {
		field("Version")
		writeString(&b, d.Version)
	}
	if d.ID != "" {
		field("Id")
		writeString(&b, d.ID)
	}
	field("Statement")
	if d.single && len(d.Statement) == 1 {
		d.Statement[0].write(&b)
	} else {
		b.WriteByte('[')
		for i := range d.Statement {
			if i > 0 {
				b.WriteByte(',')
			}
			d.Statement[i].write(&b)
		}
		b.WriteByte(']')
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Pretty is the document indented for people, as consoles show it.
func (d *Document) Pretty() string {
	raw, _ := d.MarshalJSON()
	var b bytes.Buffer
	if err := json.Indent(&b, raw, "", "  "); err != nil {
		return string(raw)
	}
	return b.String()
}

// String is the compact JSON form.
func (d *Document) String() string {
	raw, _ := d.MarshalJSON()
	return string(raw)
}

// MarshalJSON writes the statement in AWS's element order.
func (s *Statement) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	s.write(&b)
	return b.Bytes(), nil
}

func (s *Statement) write(b *bytes.Buffer) {
	b.WriteByte('{')
	first := true
	field := func(name string) {
		if !first {
			b.WriteByte(',')
		}
		first = false
		writeString(b, name)
		b.WriteByte(':')
	}
	if s.Sid != "" {
		field("Sid")
		writeString(b, s.Sid)
	}
	if s.Effect != "" {
		field("Effect")
		writeString(b, s.Effect)
	}
	if s.Principal != nil {
		field("Principal")
		s.Principal.write(b)
	}
	if s.NotPrincipal != nil {
		field("NotPrincipal")
		s.NotPrincipal.write(b)
	}
	for _, f := range []struct {
		name string
		v    StringList
	}{{"Action", s.Action}, {"NotAction", s.NotAction}, {"Resource", s.Resource}, {"NotResource", s.NotResource}} {
		if f.v != nil {
			field(f.name)
			writeList(b, f.v, len(f.v) == 1 && !s.lists[f.name])
		}
	}
	if s.Condition != nil {
		field("Condition")
		b.WriteByte('{')
		for i, op := range sortedKeys(s.Condition) {
			if i > 0 {
				b.WriteByte(',')
			}
			writeString(b, op)
			b.WriteString(":{")
			keys := s.Condition[op]
			for j, k := range sortedKeys(keys) {
				if j > 0 {
					b.WriteByte(',')
				}
				writeString(b, k)
				b.WriteByte(':')
				s.writeValues(b, op, k, keys[k])
			}
			b.WriteByte('}')
		}
		b.WriteByte('}')
	}
	b.WriteByte('}')
}

// MarshalJSON writes "*" or the principal object.
func (p *Principal) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	p.write(&b)
	return b.Bytes(), nil
}

func (p *Principal) write(b *bytes.Buffer) {
	if p.Wildcard {
		writeString(b, "*")
		return
	}
	b.WriteByte('{')
	first := true
	for _, f := range []struct {
		name string
		v    StringList
		bit  uint8
	}{{"AWS", p.AWS, listAWS}, {"Service", p.Service, listService}, {"Federated", p.Federated, listFederated}} {
		if f.v == nil {
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		writeString(b, f.name)
		b.WriteByte(':')
		writeList(b, f.v, len(f.v) == 1 && p.lists&f.bit == 0)
	}
	b.WriteByte('}')
}

// writeValues writes a condition's values, keeping booleans and numbers that
// were bare in the source bare (if they still are booleans or numbers).
func (s *Statement) writeValues(b *bytes.Buffer, op, key string, v StringList) {
	asString := len(v) == 1 && !s.lists[conditionListKey(op, key)]
	if !asString {
		b.WriteByte('[')
	}
	for i, val := range v {
		if i > 0 {
			b.WriteByte(',')
		}
		if s.lists[bareValueKey(op, key, i)] && isBareScalar(val) {
			b.WriteString(val)
		} else {
			writeString(b, val)
		}
	}
	if !asString {
		b.WriteByte(']')
	}
}

func isBareScalar(v string) bool {
	if v == "" || v[0] == '"' || v[0] == '[' || v[0] == '{' || v[0] == 'n' {
		return false
	}
	var x any
	return json.Unmarshal([]byte(v), &x) == nil
}

func conditionListKey(op, key string) string { return "Condition\x00" + op + "\x00" + key }

func bareValueKey(op, key string, i int) string {
	return "Bare\x00" + op + "\x00" + key + "\x00" + strconv.Itoa(i)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func writeList(b *bytes.Buffer, v []string, asString bool) {
	if asString {
		writeString(b, v[0])
		return
	}
	b.WriteByte('[')
	for i, s := range v {
		if i > 0 {
			b.WriteByte(',')
		}
		writeString(b, s)
	}
	b.WriteByte(']')
}

// writeString writes s as a JSON string without HTML escaping: policies are
// shown to people and "<" in a condition value should stay readable.
func writeString(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)       // strings always encode
	b.Truncate(b.Len() - 1) // Encode appends a newline
}
