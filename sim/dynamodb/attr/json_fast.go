package attr

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"sync"

	"github.com/go-json-experiment/json/jsontext"
)

// Every PutItem and GetItem decodes items, and decoding them through encoding/json's
// map[string]any cost more allocations than the rest of the request. The fast path below
// reads tokens straight into Values. It does not decide errors: on anything but a clean
// success (a wrong JSON type, a duplicate member, invalid UTF-8, a value Validate refuses)
// it gives up, and the reference decoder (decodeAny + fromAny) runs and words the error.
// So a rule about what is valid lives in one place, and FuzzFastDecode holds the fast path
// to the reference wherever it succeeds.

// errSlow abandons the fast path; it never reaches a caller.
var errSlow = errors.New("attr: not for the fast path")

var decoders = sync.Pool{New: func() any { return jsontext.NewDecoder(noInput{}) }}

// noInput is what a pooled decoder reads from, so that it holds no request's bytes.
type noInput struct{}

func (noInput) Read([]byte) (int, error) { return 0, io.EOF }

// fastDecode runs read over data as one complete JSON value.
func fastDecode(data []byte, read func(d *jsontext.Decoder) error) bool {
	d := decoders.Get().(*jsontext.Decoder)
	// Duplicate names are found by the readers themselves, more cheaply than the
	// decoder's own name sets; a duplicate sends the input to the reference decoder.
	d.Reset(bytes.NewBuffer(data), jsontext.AllowDuplicateNames(true))
	err := read(d)
	if err == nil {
		if _, end := d.ReadToken(); end != io.EOF {
			err = errSlow
		}
	}
	d.Reset(noInput{})
	decoders.Put(d)
	return err == nil
}

func decodeItemFast(data []byte) (Item, bool) {
	var it Item
	ok := fastDecode(data, func(d *jsontext.Decoder) error {
		var err error
		it, err = readItem(d)
		return err
	})
	if !ok || it.Validate() != nil {
		return nil, false
	}
	return it, true
}

func decodeValueFast(data []byte) (Value, bool) {
	var v Value
	ok := fastDecode(data, func(d *jsontext.Decoder) error {
		var err error
		v, err = readValue(d, 1)
		return err
	})
	if !ok || v.Validate() != nil {
		return Value{}, false
	}
	return v, true
}

// readItem reads {"name": value, ...}; a null item is left to the reference decoder.
func readItem(d *jsontext.Decoder) (Item, error) {
	out := Item{}
	err := readObject(d, func(name string) error {
		if _, dup := out[name]; dup {
			return errSlow
		}
		v, err := readValue(d, 1)
		out[name] = v
		return err
	})
	return out, err
}

// readObject reads one object, calling member with each name; member reads the value.
func readObject(d *jsontext.Decoder, member func(name string) error) error {
	if t, err := d.ReadToken(); err != nil || t.Kind() != '{' {
		return errSlow
	}
	for d.PeekKind() != '}' {
		t, err := d.ReadToken()
		if err != nil || t.Kind() != '"' {
			return errSlow
		}
		if err := member(t.String()); err != nil {
			return err
		}
	}
	_, err := d.ReadToken()
	return err
}

// readArray reads one array, calling elem for each element; elem reads it.
func readArray(d *jsontext.Decoder, elem func() error) error {
	if t, err := d.ReadToken(); err != nil || t.Kind() != '[' {
		return errSlow
	}
	for d.PeekKind() != ']' {
		if err := elem(); err != nil {
			return err
		}
	}
	_, err := d.ReadToken()
	return err
}

func readString(d *jsontext.Decoder) (string, error) {
	t, err := d.ReadToken()
	if err != nil || t.Kind() != '"' {
		return "", errSlow
	}
	return t.String(), nil
}

func readBool(d *jsontext.Decoder) (bool, error) {
	t, err := d.ReadToken()
	if err != nil || (t.Kind() != 't' && t.Kind() != 'f') {
		return false, errSlow
	}
	return t.Bool(), nil
}

func readBinary(d *jsontext.Decoder) ([]byte, error) {
	s, err := readString(d)
	if err != nil {
		return nil, err
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, errSlow
	}
	return b, nil
}

func readStrings(d *jsontext.Decoder) ([]string, error) {
	out := []string{}
	err := readArray(d, func() error {
		s, err := readString(d)
		out = append(out, s)
		return err
	})
	return out, err
}

// readValue reads one AttributeValue object at nesting depth depth.
func readValue(d *jsontext.Decoder, depth int) (Value, error) {
	if depth > MaxDepth {
		return Value{}, errSlow
	}
	var (
		v    Value
		seen uint32 // type names met, null or not: a repeated one is the reference's to judge
	)
	err := readObject(d, func(name string) error {
		typ, known := ParseType(name)
		if !known {
			return d.SkipValue()
		}
		if seen&(1<<typ) != 0 {
			return errSlow
		}
		seen |= 1 << typ
		if d.PeekKind() == 'n' {
			_, err := d.ReadToken() // a null member counts as absent
			return err
		}
		if v.Type != TypeInvalid {
			return errSlow // two types in one value
		}
		v.Type = typ
		return readTyped(d, &v, depth)
	})
	if err != nil || v.Type == TypeInvalid {
		return Value{}, errSlow
	}
	return v, nil
}

func readTyped(d *jsontext.Decoder, v *Value, depth int) error {
	var err error
	switch v.Type {
	case TypeS:
		v.S, err = readString(d)
	case TypeN:
		if v.N, err = readString(d); err == nil {
			v.N, err = canonicalNumber(v.N)
		}
	case TypeB:
		v.B, err = readBinary(d)
	case TypeSS:
		v.SS, err = readStrings(d)
	case TypeNS:
		v.NS, err = readStrings(d)
		for i := 0; err == nil && i < len(v.NS); i++ {
			v.NS[i], err = canonicalNumber(v.NS[i])
		}
	case TypeBS:
		v.BS = [][]byte{}
		err = readArray(d, func() error {
			b, err := readBinary(d)
			v.BS = append(v.BS, b)
			return err
		})
	case TypeM:
		v.M = map[string]Value{}
		err = readObject(d, func(name string) error {
			if _, dup := v.M[name]; dup {
				return errSlow
			}
			e, err := readValue(d, depth+1)
			v.M[name] = e
			return err
		})
	case TypeL:
		v.L = []Value{}
		err = readArray(d, func() error {
			e, err := readValue(d, depth+1)
			v.L = append(v.L, e)
			return err
		})
	case TypeBOOL:
		v.BOOL, err = readBool(d)
	case TypeNULL:
		var null bool
		if null, err = readBool(d); err == nil && !null {
			return errSlow // NULL false: the reference words the error
		}
	}
	if err != nil {
		return errSlow
	}
	return nil
}
