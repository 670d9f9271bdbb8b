package expr

import (
	"kmslab/sim/dynamodb/attr"
)

// KeySchema names a table's (or index's) key attributes. Range is "" for a table with only a
// partition key. The types, when known (not attr.TypeInvalid), are checked against the values.
type KeySchema struct {
	Hash, Range         string
	HashType, RangeType attr.Type
}

// SortOp is the operator of a sort key condition.
type SortOp string

// Sort key operators allowed in a KeyConditionExpression.
const (
	SortEQ         SortOp = "="
	SortLT         SortOp = "<"
	SortLE         SortOp = "<="
	SortGT         SortOp = ">"
	SortGE         SortOp = ">="
	SortBetween    SortOp = "BETWEEN"
	SortBeginsWith SortOp = "begins_with"
)

// KeyCondition is a parsed KeyConditionExpression: partition key equality and an optional
// sort key condition.
type KeyCondition struct {
	Hash      string
	HashValue attr.Value
	// Range is "" when the expression has no sort key condition; otherwise Op applies to
	// RangeValues (two values for BETWEEN, one otherwise).
	Range       string
	Op          SortOp
	RangeValues []attr.Value
}

type keyTerm struct {
	name   string
	op     SortOp
	values []attr.Value
}

// ParseKeyCondition parses a KeyConditionExpression and checks it against schema with
// DynamoDB's messages (missing partition key, operators other than = on it, conditions on
// non-key attributes, OR/NOT/IN, value types).
func ParseKeyCondition(src string, sc *Scope, schema KeySchema) (*KeyCondition, error) {
	c, err := ParseCondition(KindKeyCondition, src, sc)
	if err != nil {
		return nil, err
	}
	var terms []keyTerm
	if err := collectKeyTerms(c.Root, &terms); err != nil {
		return nil, err
	}
	if len(terms) > 2 {
		return nil, validation("Conditions can be of length 1 or 2 only")
	}
	kc := &KeyCondition{}
	seen := map[string]bool{}
	for _, t := range terms {
		if seen[t.name] {
			return nil, validation("KeyConditionExpressions must only contain one condition per key")
		}
		seen[t.name] = true
	}
	for _, t := range terms {
		switch t.name {
		case schema.Hash:
			if t.op != SortEQ {
				return nil, validation("Query key condition not supported")
			}
			kc.Hash, kc.HashValue = t.name, t.values[0]
		case schema.Range:
			kc.Range, kc.Op, kc.RangeValues = t.name, t.op, t.values
		default:
			// A condition on another attribute is reported as the key attribute it is not:
			// the partition key first, then the sort key (moto's aws_verified
			// test_query_gsi_with_wrong_key_attribute_names_throws_exception).
			if !seen[schema.Hash] {
				return nil, validation("Query condition missed key schema element: " + schema.Hash)
			}
			if schema.Range != "" && !seen[schema.Range] {
				return nil, validation("Query condition missed key schema element: " + schema.Range)
			}
			return nil, validation("Query key condition not supported")
		}
	}
	if kc.Hash == "" {
		return nil, validation("Query condition missed key schema element: " + schema.Hash)
	}
	if err := checkKeyValue(kc.Hash, kc.HashValue, schema.HashType); err != nil {
		return nil, err
	}
	for _, v := range kc.RangeValues {
		if err := checkKeyValue(kc.Range, v, schema.RangeType); err != nil {
			return nil, err
		}
	}
	if kc.Op == SortBetween && attr.Compare(kc.RangeValues[0], kc.RangeValues[1]) > 0 {
		return nil, invalid(KindKeyCondition, "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: %s, upper bound operand: AttributeValue: %s", kc.RangeValues[0], kc.RangeValues[1])
	}
	return kc, nil
}

func checkKeyValue(name string, v attr.Value, want attr.Type) error {
	if want != attr.TypeInvalid && v.Type != want {
		return validation("One or more parameter values were invalid: Condition parameter type does not match schema type")
	}
	if (v.Type == attr.TypeS && v.S == "") || (v.Type == attr.TypeB && len(v.B) == 0) {
		return validation("One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: " + name)
	}
	return nil
}

func collectKeyTerms(c Cond, terms *[]keyTerm) error {
	switch n := c.(type) {
	case And:
		if err := collectKeyTerms(n.Left, terms); err != nil {
			return err
		}
		return collectKeyTerms(n.Right, terms)
	case Or:
		return invalid(KindKeyCondition, "Invalid operator used in KeyConditionExpression: OR")
	case Not:
		return invalid(KindKeyCondition, "Invalid operator used in KeyConditionExpression: NOT")
	case In:
		return invalid(KindKeyCondition, "Invalid operator used in KeyConditionExpression: IN")
	case Comparison:
		if n.Op == "<>" {
			return invalid(KindKeyCondition, "Invalid operator used in KeyConditionExpression: <>")
		}
		name, val, flipped, err := keyOperands(n.Left, n.Right)
		if err != nil {
			return err
		}
		op := SortOp(n.Op)
		if flipped {
			op = map[SortOp]SortOp{SortLT: SortGT, SortLE: SortGE, SortGT: SortLT, SortGE: SortLE, SortEQ: SortEQ}[op]
		}
		*terms = append(*terms, keyTerm{name, op, []attr.Value{val}})
	case Between:
		p, ok := n.Operand.(PathOperand)
		lo, lok := n.Low.(ValueOperand)
		hi, hok := n.High.(ValueOperand)
		if !ok || !lok || !hok || len(p.Path) != 1 {
			return invalid(KindKeyCondition, "Invalid condition in KeyConditionExpression: BETWEEN requires a key attribute and two values")
		}
		*terms = append(*terms, keyTerm{p.Path[0].Name, SortBetween, []attr.Value{lo.Value, hi.Value}})
	case Function:
		if n.Name != "begins_with" {
			return invalid(KindKeyCondition, "Invalid operator used in KeyConditionExpression: %s", n.Name)
		}
		p, ok := n.Args[0].(PathOperand)
		v, vok := n.Args[1].(ValueOperand)
		if !ok || !vok || len(p.Path) != 1 {
			return invalid(KindKeyCondition, "Invalid condition in KeyConditionExpression: begins_with requires a key attribute and a value")
		}
		*terms = append(*terms, keyTerm{p.Path[0].Name, SortBeginsWith, []attr.Value{v.Value}})
	default:
		return invalid(KindKeyCondition, "Invalid operator used in KeyConditionExpression")
	}
	return nil
}

// keyOperands splits a comparison into key name and value, accepting either order.
func keyOperands(l, r Operand) (name string, v attr.Value, flipped bool, err error) {
	lp, lIsPath := l.(PathOperand)
	rp, rIsPath := r.(PathOperand)
	lv, lIsVal := l.(ValueOperand)
	rv, rIsVal := r.(ValueOperand)
	switch {
	case lIsPath && rIsPath:
		return "", attr.Value{}, false, invalid(KindKeyCondition, "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition")
	case lIsPath && rIsVal && len(lp.Path) == 1:
		return lp.Path[0].Name, rv.Value, false, nil
	case rIsPath && lIsVal && len(rp.Path) == 1:
		return rp.Path[0].Name, lv.Value, true, nil
	case lIsVal && rIsVal:
		return "", attr.Value{}, false, invalid(KindKeyCondition, "Invalid condition in KeyConditionExpression: No key attribute specified")
	}
	return "", attr.Value{}, false, invalid(KindKeyCondition, "Invalid condition in KeyConditionExpression: Nested attributes and functions are not supported in key conditions")
}

// MatchSort reports whether a sort key value satisfies the sort condition (true when there is
// none).
func (k *KeyCondition) MatchSort(v attr.Value) bool {
	if k.Range == "" {
		return true
	}
	if len(k.RangeValues) == 0 || !attr.Comparable(v, k.RangeValues[0]) {
		return false
	}
	c := attr.Compare(v, k.RangeValues[0])
	switch k.Op {
	case SortEQ:
		return c == 0
	case SortLT:
		return c < 0
	case SortLE:
		return c <= 0
	case SortGT:
		return c > 0
	case SortGE:
		return c >= 0
	case SortBetween:
		return c >= 0 && len(k.RangeValues) == 2 && attr.Comparable(v, k.RangeValues[1]) && attr.Compare(v, k.RangeValues[1]) <= 0
	case SortBeginsWith:
		f := Function{Name: "begins_with", Args: []Operand{ValueOperand{Value: v}, ValueOperand{Value: k.RangeValues[0]}}}
		return f.eval(nil)
	}
	return false
}

// Match reports whether item has the partition key value and satisfies the sort condition.
func (k *KeyCondition) Match(item attr.Item) bool {
	h, ok := item[k.Hash]
	if !ok || !attr.Equal(h, k.HashValue) {
		return false
	}
	if k.Range == "" {
		return true
	}
	r, ok := item[k.Range]
	return ok && k.MatchSort(r)
}
