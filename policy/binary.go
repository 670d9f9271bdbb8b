package policy

import (
	"bytes"
	"encoding/base64"
)

// BinaryEquals compares base64-encoded values by their bytes, so padding and
// encoding variants of the same bytes are equal.
var binaryOperators = []opSpec{
	{name: "BinaryEquals", m: binaryEquals{}},
}

type binaryEquals struct{}

func (binaryEquals) matches(v string, p pattern) bool {
	a, err1 := base64.StdEncoding.DecodeString(v)
	b, err2 := base64.StdEncoding.DecodeString(p.text())
	if err1 != nil || err2 != nil {
		return v == p.text()
	}
	return bytes.Equal(a, b)
}
