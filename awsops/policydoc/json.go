package policydoc

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
)

// Policy documents are edited as ordered JSON objects, so that an edit
// changes only the lines it means to and the diff shows just that.

// PrettyJSON indents a JSON document two spaces, keeping its key order; text
// that is not JSON comes back unchanged. It is the one formatting of a
// policy document: the diffs, the edits and the screens all show this one.
func PrettyJSON(s string) string {
	var c bytes.Buffer
	if err := json.Compact(&c, []byte(s)); err != nil {
		return s
	}
	var out bytes.Buffer
	if err := json.Indent(&out, c.Bytes(), "", "  "); err != nil {
		return s
	}
	return out.String()
}

// object is a JSON object that remembers its key order, so an edited policy
// differs from the original only where it was edited.
type object []member

func parseObject(b []byte) (object, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	t, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := t.(json.Delim); !ok || d != '{' {
		return nil, errors.New("not a JSON object")
	}
	var o object
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		k, ok := t.(string)
		if !ok {
			return nil, errors.New("object key is not a string")
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		o = append(o, member{k, v})
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the JSON object")
	}
	return o, nil
}

func (o object) get(k string) (json.RawMessage, bool) {
	for _, m := range o {
		if m.Key == k {
			return m.Value, true
		}
	}
	return nil, false
}

func (o object) set(k string, v json.RawMessage) object {
	for i, m := range o {
		if m.Key == k {
			o[i].Value = v
			return o
		}
	}
	return append(o, member{k, v})
}

func (o object) bytes() []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(marshalString(m.Key))
		b.WriteByte(':')
		b.Write(m.Value)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// marshalString encodes s without escaping <, > and &, which policies may hold.
func marshalString(s string) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return bytes.TrimRight(b.Bytes(), "\n")
}

func marshalRaw(v any) json.RawMessage {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err) // only called with strings and slices of strings
	}
	return bytes.TrimRight(b.Bytes(), "\n")
}

func ensureNewline(s string) string {
	if strings.HasSuffix(s, "\n") {
		return s
	}
	return s + "\n"
}

// member is one key of a JSON object, its value kept verbatim.
type member struct {
	Key   string
	Value json.RawMessage
}
