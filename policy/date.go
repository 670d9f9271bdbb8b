package policy

import (
	"strconv"
	"strings"
	"time"
)

// Date operators compare instants given as ISO 8601 text or epoch seconds.
var dateOperators = []opSpec{
	{name: "DateEquals", m: dateCmp(func(c int) bool { return c == 0 })},
	{name: "DateNotEquals", m: dateCmp(func(c int) bool { return c == 0 }), negated: true},
	{name: "DateLessThan", m: dateCmp(func(c int) bool { return c < 0 })},
	{name: "DateLessThanEquals", m: dateCmp(func(c int) bool { return c <= 0 })},
	{name: "DateGreaterThan", m: dateCmp(func(c int) bool { return c > 0 })},
	{name: "DateGreaterThanEquals", m: dateCmp(func(c int) bool { return c >= 0 })},
}

type dateCmp func(int) bool

func (f dateCmp) matches(v string, p pattern) bool {
	a, ok1 := parseDate(v)
	b, ok2 := parseDate(p.text())
	if !ok1 || !ok2 {
		return false
	}
	return f(a.Compare(b))
}

var dateLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00", "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"}

func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if secs, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(secs, 0), true
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
