package policy

import "strings"

// Bool compares "true"/"false" without regard to case.
var boolOperators = []opSpec{
	{name: "Bool", m: boolEquals{}},
}

type boolEquals struct{}

func (boolEquals) matches(v string, p pattern) bool { return strings.EqualFold(v, p.text()) }
