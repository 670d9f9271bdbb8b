package policy

import "strings"

// matcher is one condition operator family's comparison of a single request
// value with a single policy value. Qualifiers (ForAnyValue:, ForAllValues:),
// the IfExists suffix and negation are applied around it, uniformly.
type matcher interface {
	matches(requestValue string, policyValue pattern) bool
}

// opSpec describes a base operator such as StringNotLike.
type opSpec struct {
	name    string // canonical spelling
	m       matcher
	negated bool // the "Not" form: true when no policy value matches
	vars    bool // policy variables expand in its values
}

type quantifier int

const (
	quantNone quantifier = iota
	quantAny             // ForAnyValue:
	quantAll             // ForAllValues:
)

// operator is a fully parsed condition operator.
type operator struct {
	opSpec
	quant    quantifier
	ifExists bool
	null     bool
}

// operators indexes every base operator by its lower-case name.
var operators = func() map[string]opSpec {
	m := map[string]opSpec{}
	for _, family := range [][]opSpec{stringOperators, arnOperators, boolOperators, numericOperators, dateOperators, ipOperators, binaryOperators} {
		for _, s := range family {
			m[strings.ToLower(s.name)] = s
		}
	}
	return m
}()

// parseOperator reads "[ForAnyValue:|ForAllValues:]Base[IfExists]".
// IAM's operator names are matched without regard to case, like its keys.
func parseOperator(name string) (*operator, error) {
	rest := name
	op := &operator{}
	lower := strings.ToLower(rest)
	switch {
	case strings.HasPrefix(lower, "foranyvalue:"):
		op.quant, rest = quantAny, rest[len("ForAnyValue:"):]
	case strings.HasPrefix(lower, "forallvalues:"):
		op.quant, rest = quantAll, rest[len("ForAllValues:"):]
	}
	lower = strings.ToLower(rest)
	if strings.HasSuffix(lower, "ifexists") {
		op.ifExists = true
		lower = lower[:len(lower)-len("ifexists")]
	}
	if lower == "null" {
		if op.ifExists {
			return nil, syntaxErr("Null cannot take IfExists: it already tests whether the key exists")
		}
		op.name, op.null = "Null", true
		return op, nil
	}
	spec, ok := operators[lower]
	if !ok {
		return nil, syntaxErr("unknown condition operator %q", name)
	}
	op.opSpec = spec
	return op, nil
}

// evalCondition reports whether one operator's test of one key holds.
func (op *operator) eval(key string, policyValues []string, ctx *evalContext, vars bool) bool {
	values, present := ctx.get(key)
	if op.null {
		for _, pv := range policyValues {
			if strings.EqualFold(pv, "true") == !present {
				return true
			}
		}
		return false
	}
	if !present {
		switch {
		case op.ifExists:
			return true
		case op.quant == quantAll: // vacuously true for the empty set
			return true
		case op.quant == quantAny:
			return false
		}
		return op.negated
	}
	pats := make([]pattern, 0, len(policyValues))
	for _, pv := range policyValues {
		if p, ok := expand(pv, vars && op.vars, ctx); ok {
			pats = append(pats, p)
		}
	}
	anyMatch := func(v string) bool {
		for _, p := range pats {
			if op.m.matches(v, p) {
				return true
			}
		}
		return false
	}
	one := func(v string) bool { return anyMatch(v) != op.negated }
	switch op.quant {
	case quantAny:
		for _, v := range values {
			if one(v) {
				return true
			}
		}
		return false
	case quantAll:
		for _, v := range values {
			if !one(v) {
				return false
			}
		}
		return true
	}
	for _, v := range values {
		if anyMatch(v) {
			return !op.negated
		}
	}
	return op.negated
}

// conditionsHold evaluates a statement's Condition block: every operator and
// every key within it must hold.
func conditionsHold(cond map[string]map[string]StringList, ctx *evalContext, vars bool) bool {
	for name, keys := range cond {
		op, err := parseOperator(name)
		if err != nil {
			return false // unreachable for validated documents; fail closed otherwise
		}
		for key, values := range keys {
			if !op.eval(key, values, ctx, vars) {
				return false
			}
		}
	}
	return true
}

// String names the operator as written canonically.
func (op *operator) String() string {
	s := op.name
	if op.ifExists {
		s += "IfExists"
	}
	switch op.quant {
	case quantAny:
		s = "ForAnyValue:" + s
	case quantAll:
		s = "ForAllValues:" + s
	}
	return s
}
