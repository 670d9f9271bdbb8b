package policy

import "strings"

// String operators compare case-sensitively unless named IgnoreCase; the Like
// forms take '*' and '?' wildcards.
var stringOperators = []opSpec{
	{name: "StringEquals", m: stringEquals{}, vars: true},
	{name: "StringNotEquals", m: stringEquals{}, negated: true, vars: true},
	{name: "StringEqualsIgnoreCase", m: stringEquals{fold: true}, vars: true},
	{name: "StringNotEqualsIgnoreCase", m: stringEquals{fold: true}, negated: true, vars: true},
	{name: "StringLike", m: stringLike{}, vars: true},
	{name: "StringNotLike", m: stringLike{}, negated: true, vars: true},
}

type stringEquals struct{ fold bool }

func (s stringEquals) matches(v string, p pattern) bool {
	if s.fold {
		return strings.EqualFold(v, p.text())
	}
	return v == p.text()
}

type stringLike struct{}

func (stringLike) matches(v string, p pattern) bool { return p.match(v) }
