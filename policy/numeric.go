package policy

import (
	"strconv"
	"strings"
)

// Numeric operators compare values as numbers; a value that is not a number
// never matches (so the Not form matches it).
var numericOperators = []opSpec{
	{name: "NumericEquals", m: numericCmp(func(c int) bool { return c == 0 })},
	{name: "NumericNotEquals", m: numericCmp(func(c int) bool { return c == 0 }), negated: true},
	{name: "NumericLessThan", m: numericCmp(func(c int) bool { return c < 0 })},
	{name: "NumericLessThanEquals", m: numericCmp(func(c int) bool { return c <= 0 })},
	{name: "NumericGreaterThan", m: numericCmp(func(c int) bool { return c > 0 })},
	{name: "NumericGreaterThanEquals", m: numericCmp(func(c int) bool { return c >= 0 })},
}

// numericCmp holds when the comparison of request value to policy value
// (-1, 0, 1) satisfies it.
type numericCmp func(int) bool

func (f numericCmp) matches(v string, p pattern) bool {
	a, err1 := strconv.ParseFloat(strings.TrimSpace(v), 64)
	b, err2 := strconv.ParseFloat(strings.TrimSpace(p.text()), 64)
	if err1 != nil || err2 != nil {
		return false
	}
	switch {
	case a < b:
		return f(-1)
	case a > b:
		return f(1)
	case a == b:
		return f(0)
	}
	return false // NaN
}
