package attr

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// binaryVersion leads every encoded item so the storage format can change later.
const binaryVersion = 1

// errCorrupt is returned for stored bytes that do not decode: storage is ours, so this means
// corruption, never user error.
var errCorrupt = errors.New("attr: corrupt binary item")

// MarshalBinary encodes the item canonically: a version byte, the attribute count, then
// name/value pairs in name order. Equal items built the same way encode to the same bytes;
// set and list order is kept as given.
func (it Item) MarshalBinary() ([]byte, error) {
	// Sized up front for a flat item (names, values, a few length bytes each):
	// growing from one byte cost an allocation per doubling on every write.
	b := make([]byte, 1, 16+it.Size()+8*len(it))
	b[0] = binaryVersion
	b = binary.AppendUvarint(b, uint64(len(it)))
	for _, k := range it.Names() {
		b = appendBytes(b, []byte(k))
		b = it[k].appendBinary(b)
	}
	return b, nil
}

// UnmarshalBinary decodes what MarshalBinary wrote. Malformed input yields an error, never a
// panic.
func (it *Item) UnmarshalBinary(data []byte) error {
	if len(data) == 0 || data[0] != binaryVersion {
		return fmt.Errorf("%w: unknown version", errCorrupt)
	}
	d := decoder{buf: data[1:]}
	n := d.count()
	out := make(Item, n)
	for i := 0; i < n && d.err == nil; i++ {
		k := string(d.bytes())
		out[k] = d.value(1)
	}
	if d.err == nil && len(d.buf) != 0 {
		d.err = fmt.Errorf("%w: trailing bytes", errCorrupt)
	}
	if d.err != nil {
		return d.err
	}
	*it = out
	return nil
}

// KeyBytes is a deterministic encoding of v (type tag plus contents, numbers canonical), for
// hashing and indexing key values: Equal keys yield equal bytes.
func KeyBytes(v Value) []byte {
	if v.Type == TypeN {
		d, _ := parseDecimal(v.N)
		v.N = d.String()
	}
	return v.appendBinary(nil)
}

func appendBytes(b, s []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func (v Value) appendBinary(b []byte) []byte {
	b = append(b, byte(v.Type))
	switch v.Type {
	case TypeS:
		b = appendBytes(b, []byte(v.S))
	case TypeN:
		b = appendBytes(b, []byte(v.N))
	case TypeB:
		b = appendBytes(b, v.B)
	case TypeSS:
		b = binary.AppendUvarint(b, uint64(len(v.SS)))
		for _, s := range v.SS {
			b = appendBytes(b, []byte(s))
		}
	case TypeNS:
		b = binary.AppendUvarint(b, uint64(len(v.NS)))
		for _, s := range v.NS {
			b = appendBytes(b, []byte(s))
		}
	case TypeBS:
		b = binary.AppendUvarint(b, uint64(len(v.BS)))
		for _, s := range v.BS {
			b = appendBytes(b, s)
		}
	case TypeM:
		b = binary.AppendUvarint(b, uint64(len(v.M)))
		for _, k := range sortedKeys(v.M) {
			b = appendBytes(b, []byte(k))
			b = v.M[k].appendBinary(b)
		}
	case TypeL:
		b = binary.AppendUvarint(b, uint64(len(v.L)))
		for _, e := range v.L {
			b = e.appendBinary(b)
		}
	case TypeBOOL:
		if v.BOOL {
			b = append(b, 1)
		} else {
			b = append(b, 0)
		}
	}
	return b
}

type decoder struct {
	buf []byte
	err error
}

func (d *decoder) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s", errCorrupt, what)
	}
}

// count reads an element count, refusing counts larger than the remaining bytes so corrupt
// input cannot force a huge allocation.
func (d *decoder) count() int {
	if d.err != nil {
		return 0
	}
	n, k := binary.Uvarint(d.buf)
	if k <= 0 || n > uint64(len(d.buf)) {
		d.fail("bad count")
		return 0
	}
	d.buf = d.buf[k:]
	return int(n)
}

func (d *decoder) bytes() []byte {
	n := d.count()
	if d.err != nil {
		return nil
	}
	if n > len(d.buf) {
		d.fail("short data")
		return nil
	}
	out := make([]byte, n)
	copy(out, d.buf[:n])
	d.buf = d.buf[n:]
	return out
}

func (d *decoder) byte() byte {
	if d.err != nil {
		return 0
	}
	if len(d.buf) == 0 {
		d.fail("short data")
		return 0
	}
	c := d.buf[0]
	d.buf = d.buf[1:]
	return c
}

func (d *decoder) value(depth int) Value {
	if depth > MaxDepth+1 {
		d.fail("nesting too deep")
		return Value{}
	}
	v := Value{Type: Type(d.byte())}
	switch v.Type {
	case TypeS:
		v.S = string(d.bytes())
	case TypeN:
		v.N = string(d.bytes())
	case TypeB:
		v.B = d.bytes()
	case TypeSS:
		n := d.count()
		v.SS = make([]string, 0, n)
		for i := 0; i < n && d.err == nil; i++ {
			v.SS = append(v.SS, string(d.bytes()))
		}
	case TypeNS:
		n := d.count()
		v.NS = make([]string, 0, n)
		for i := 0; i < n && d.err == nil; i++ {
			v.NS = append(v.NS, string(d.bytes()))
		}
	case TypeBS:
		n := d.count()
		v.BS = make([][]byte, 0, n)
		for i := 0; i < n && d.err == nil; i++ {
			v.BS = append(v.BS, d.bytes())
		}
	case TypeM:
		n := d.count()
		v.M = make(map[string]Value, n)
		for i := 0; i < n && d.err == nil; i++ {
			k := string(d.bytes())
			v.M[k] = d.value(depth + 1)
		}
	case TypeL:
		n := d.count()
		v.L = make([]Value, 0, n)
		for i := 0; i < n && d.err == nil; i++ {
			v.L = append(v.L, d.value(depth+1))
		}
	case TypeBOOL:
		v.BOOL = d.byte() == 1
	case TypeNULL:
	default:
		d.fail("unknown type")
	}
	return v
}
