package policy

// ARN operators compare the six colon-separated parts of an ARN one by one,
// so a wildcard never spans a part boundary; ArnEquals and ArnLike behave the
// same, as in IAM.
var arnOperators = []opSpec{
	{name: "ArnEquals", m: arnLike{}, vars: true},
	{name: "ArnLike", m: arnLike{}, vars: true},
	{name: "ArnNotEquals", m: arnLike{}, negated: true, vars: true},
	{name: "ArnNotLike", m: arnLike{}, negated: true, vars: true},
}

type arnLike struct{}

func (arnLike) matches(v string, p pattern) bool {
	vs := splitARN(plainPattern(v))
	ps := splitARN(p)
	if len(vs) != 6 || len(ps) != 6 {
		return false
	}
	for i := range ps {
		if !ps[i].match(vs[i].text()) {
			return false
		}
	}
	return true
}

// splitARN cuts at the first five colons; the resource part keeps the rest.
func splitARN(p pattern) []pattern {
	parts := make([]pattern, 0, 6)
	start := 0
	for i, c := range p {
		if len(parts) == 5 {
			break
		}
		if c.r == ':' {
			parts = append(parts, p[start:i])
			start = i + 1
		}
	}
	return append(parts, p[start:])
}
