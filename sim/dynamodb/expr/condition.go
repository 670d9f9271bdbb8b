package expr

import (
	"bytes"
	"errors"
	"strings"
	"unicode/utf8"

	"kmslab/sim/dynamodb/attr"
)

// Operand is a value inside an expression: PathOperand, ValueOperand, SizeOperand, or (in
// update expressions only) IfNotExists, ListAppend and Arithmetic.
type Operand interface {
	// resolve evaluates the operand against an item; errMissing means a path is absent.
	resolve(item attr.Item) (attr.Value, error)
}

// PathOperand reads an attribute (or nested element) of the item.
type PathOperand struct{ Path Path }

// ValueOperand is an ExpressionAttributeValues entry, resolved at parse time.
type ValueOperand struct {
	Name  string // the placeholder, e.g. ":v"
	Value attr.Value
}

// SizeOperand is size(path): string or binary length, or element count.
type SizeOperand struct{ Path Path }

var (
	errMissing  = errors.New("attribute missing")
	errBadType  = errors.New("operand has wrong type")
	errOverflow = errors.New("number out of range")
)

func (o PathOperand) resolve(item attr.Item) (attr.Value, error) {
	v, ok := Get(item, o.Path)
	if !ok {
		return attr.Value{}, errMissing
	}
	return v, nil
}

func (o ValueOperand) resolve(attr.Item) (attr.Value, error) { return o.Value, nil }

func (o SizeOperand) resolve(item attr.Item) (attr.Value, error) {
	v, ok := Get(item, o.Path)
	if !ok {
		return attr.Value{}, errMissing
	}
	switch v.Type {
	case attr.TypeS:
		return numberValue(utf8.RuneCountInString(v.S)), nil
	case attr.TypeB, attr.TypeSS, attr.TypeNS, attr.TypeBS, attr.TypeM, attr.TypeL:
		return numberValue(v.Len()), nil
	}
	return attr.Value{}, errBadType
}

// Cond is a node of a parsed condition: Comparison, Between, In, Function, And, Or or Not.
type Cond interface {
	eval(item attr.Item) bool
}

// Comparison is Left Op Right with Op one of = <> < <= > >=.
type Comparison struct {
	Op          string
	Left, Right Operand
}

// Between is Operand BETWEEN Low AND High (inclusive).
type Between struct{ Operand, Low, High Operand }

// In is Operand IN (List...).
type In struct {
	Operand Operand
	List    []Operand
}

// Function is a boolean function call: attribute_exists, attribute_not_exists,
// attribute_type, begins_with or contains.
type Function struct {
	Name string
	Args []Operand
}

// And, Or and Not combine conditions.
type (
	And struct{ Left, Right Cond }
	Or  struct{ Left, Right Cond }
	Not struct{ Cond Cond }
)

// Condition is a parsed condition or filter expression.
type Condition struct {
	Root Cond
}

// Eval reports whether item satisfies the condition. A nil item is a missing item (every
// attribute absent), which is how DynamoDB evaluates a ConditionExpression on PutItem of a
// new key. Evaluation never fails: comparisons of mismatched types are simply false.
func (c *Condition) Eval(item attr.Item) bool {
	if c == nil || c.Root == nil {
		return true
	}
	return c.Root.eval(item)
}

// ParseCondition parses a ConditionExpression or FilterExpression (kind selects the message
// prefix), resolving placeholders through sc.
func ParseCondition(kind Kind, src string, sc *Scope) (*Condition, error) {
	p, err := newParser(kind, src, sc)
	if err != nil {
		return nil, err
	}
	root, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	if err := p.expectEOF(); err != nil {
		return nil, err
	}
	return &Condition{Root: root}, nil
}

func (p *parser) parseOr() (Cond, error) {
	left, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	for p.isKeyword("OR") {
		p.next()
		right, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		left = Or{left, right}
	}
	return left, nil
}

func (p *parser) parseAnd() (Cond, error) {
	left, err := p.parseNot()
	if err != nil {
		return nil, err
	}
	for p.isKeyword("AND") {
		p.next()
		right, err := p.parseNot()
		if err != nil {
			return nil, err
		}
		left = And{left, right}
	}
	return left, nil
}

func (p *parser) parseNot() (Cond, error) {
	if p.isKeyword("NOT") {
		p.next()
		if err := p.enter(); err != nil {
			return nil, err
		}
		defer p.leave()
		c, err := p.parseNot()
		if err != nil {
			return nil, err
		}
		return Not{c}, nil
	}
	return p.parsePrimary()
}

var condFunctions = map[string]bool{
	"attribute_exists": true, "attribute_not_exists": true, "attribute_type": true,
	"begins_with": true, "contains": true,
}

func (p *parser) isFunctionCall() bool {
	return p.peek().kind == tokIdent && p.peekAt(1).kind == tokPunct && p.peekAt(1).text == "("
}

func (p *parser) parsePrimary() (Cond, error) {
	if p.isPunct("(") {
		p.next()
		if err := p.enter(); err != nil {
			return nil, err
		}
		c, err := p.parseOr()
		p.leave()
		if err != nil {
			return nil, err
		}
		if err := p.expectPunct(")"); err != nil {
			return nil, err
		}
		return c, nil
	}
	if p.isFunctionCall() && condFunctions[p.peek().text] {
		return p.parseFunction()
	}
	left, err := p.parseOperand()
	if err != nil {
		return nil, err
	}
	switch {
	case p.isKeyword("BETWEEN"):
		p.next()
		lo, err := p.parseOperand()
		if err != nil {
			return nil, err
		}
		if !p.isKeyword("AND") {
			return nil, p.syntaxErr()
		}
		p.next()
		hi, err := p.parseOperand()
		if err != nil {
			return nil, err
		}
		if err := p.checkBetween(lo, hi); err != nil {
			return nil, err
		}
		return Between{left, lo, hi}, nil
	case p.isKeyword("IN"):
		p.next()
		if err := p.expectPunct("("); err != nil {
			return nil, err
		}
		var list []Operand
		for {
			o, err := p.parseOperand()
			if err != nil {
				return nil, err
			}
			list = append(list, o)
			if !p.isPunct(",") {
				break
			}
			p.next()
		}
		if err := p.expectPunct(")"); err != nil {
			return nil, err
		}
		if len(list) > 100 {
			return nil, invalid(p.kind, "The IN operator is provided with too many operands; number of operands: %d", len(list))
		}
		return In{left, list}, nil
	}
	t := p.peek()
	if t.kind != tokPunct {
		return nil, p.syntaxErr()
	}
	switch t.text {
	case "=", "<>", "<", "<=", ">", ">=":
	default:
		return nil, p.syntaxErr()
	}
	p.next()
	right, err := p.parseOperand()
	if err != nil {
		return nil, err
	}
	if t.text != "=" && t.text != "<>" {
		for _, o := range []Operand{left, right} {
			if v, ok := o.(ValueOperand); ok && !orderable(v.Value.Type) {
				return nil, p.operandTypeErr(t.text, v.Value.Type)
			}
		}
	}
	return Comparison{t.text, left, right}, nil
}

func orderable(t attr.Type) bool { return t == attr.TypeS || t == attr.TypeN || t == attr.TypeB }

func (p *parser) operandTypeErr(fn string, t attr.Type) error {
	return invalid(p.kind, "Incorrect operand type for operator or function; operator or function: %s, operand type: %s", fn, t)
}

func (p *parser) checkBetween(lo, hi Operand) error {
	l, lok := lo.(ValueOperand)
	h, hok := hi.(ValueOperand)
	for _, o := range []Operand{lo, hi} {
		if v, ok := o.(ValueOperand); ok && !orderable(v.Value.Type) {
			return p.operandTypeErr("BETWEEN", v.Value.Type)
		}
	}
	if !lok || !hok {
		return nil
	}
	if l.Value.Type != h.Value.Type {
		return invalid(p.kind, "The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: %s, upper bound operand: AttributeValue: %s", l.Value, h.Value)
	}
	if attr.Compare(l.Value, h.Value) > 0 {
		return invalid(p.kind, "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: %s, upper bound operand: AttributeValue: %s", l.Value, h.Value)
	}
	return nil
}

// parseOperand reads a path, a value placeholder or size(path).
func (p *parser) parseOperand() (Operand, error) {
	t := p.peek()
	switch {
	case t.kind == tokValue:
		return p.parseValue()
	case p.isFunctionCall():
		name := t.text
		switch {
		case name == "size":
			p.next()
			p.next()
			path, err := p.parseFunctionPath(name)
			if err != nil {
				return nil, err
			}
			if err := p.expectPunct(")"); err != nil {
				return nil, err
			}
			return SizeOperand{path}, nil
		case condFunctions[name] || name == "if_not_exists" || name == "list_append":
			return nil, invalid(p.kind, "The function is not allowed to be used this way in an expression; function: %s", name)
		}
		return nil, invalid(p.kind, "Invalid function name; function: %s", name)
	case t.kind == tokIdent || t.kind == tokName:
		path, err := p.parsePath()
		if err != nil {
			return nil, err
		}
		return PathOperand{path}, nil
	}
	return nil, p.syntaxErr()
}

// parseFunctionPath reads a function argument that must be a document path.
func (p *parser) parseFunctionPath(fn string) (Path, error) {
	t := p.peek()
	if t.kind == tokValue {
		if _, err := p.parseValue(); err != nil {
			return nil, err
		}
		return nil, invalid(p.kind, "Operator or function requires a document path; operator or function: %s", fn)
	}
	return p.parsePath()
}

// parseArgs reads a function's comma-separated arguments, up to its ")": the
// first is a document path when pathFirst (AWS refuses a value there), the
// others operands read by operand.
func (p *parser) parseArgs(name string, pathFirst bool, operand func() (Operand, error)) ([]Operand, error) {
	var args []Operand
	for {
		var (
			o   Operand
			err error
		)
		if len(args) == 0 && pathFirst {
			var path Path
			path, err = p.parseFunctionPath(name)
			o = PathOperand{path}
		} else {
			o, err = operand()
		}
		if err != nil {
			return nil, err
		}
		args = append(args, o)
		if !p.isPunct(",") {
			return args, nil
		}
		p.next()
	}
}

var funcArity = map[string]int{
	"attribute_exists": 1, "attribute_not_exists": 1, "attribute_type": 2, "begins_with": 2, "contains": 2,
}

func (p *parser) parseFunction() (Cond, error) {
	name := p.next().text
	p.next() // (
	// "()" is an empty list, which the arity check refuses in AWS's words.
	var args []Operand
	if !p.isPunct(")") {
		var err error
		if args, err = p.parseArgs(name, name != "begins_with" && name != "contains", p.parseOperand); err != nil {
			return nil, err
		}
	}
	if err := p.expectPunct(")"); err != nil {
		return nil, err
	}
	if len(args) != funcArity[name] {
		return nil, invalid(p.kind, "Incorrect number of operands for operator or function; operator or function: %s, number of operands: %d", name, len(args))
	}
	switch name {
	case "attribute_type":
		v, ok := args[1].(ValueOperand)
		if !ok {
			return nil, invalid(p.kind, "Operator or function requires an attribute value; operator or function: %s", name)
		}
		if v.Value.Type != attr.TypeS {
			return nil, p.operandTypeErr(name, v.Value.Type)
		}
		if _, ok := attr.ParseType(v.Value.S); !ok {
			return nil, invalid(p.kind, "Invalid attribute type name found; type: %s, valid types: { B,NULL,SS,BOOL,L,BS,N,NS,S,M }", v.Value.S)
		}
	case "begins_with":
		for _, a := range args {
			if v, ok := a.(ValueOperand); ok && v.Value.Type != attr.TypeS && v.Value.Type != attr.TypeB {
				return nil, p.operandTypeErr(name, v.Value.Type)
			}
		}
	}
	return Function{name, args}, nil
}

func (c Comparison) eval(item attr.Item) bool {
	l, lerr := c.Left.resolve(item)
	r, rerr := c.Right.resolve(item)
	if lerr != nil || rerr != nil {
		// An absent attribute equals nothing, so it is "not equal" to anything.
		return c.Op == "<>" && (errors.Is(lerr, errMissing) || errors.Is(rerr, errMissing))
	}
	switch c.Op {
	case "=":
		return attr.Equal(l, r)
	case "<>":
		return !attr.Equal(l, r)
	}
	if !attr.Comparable(l, r) {
		return false
	}
	n := attr.Compare(l, r)
	switch c.Op {
	case "<":
		return n < 0
	case "<=":
		return n <= 0
	case ">":
		return n > 0
	case ">=":
		return n >= 0
	}
	return false
}

func (b Between) eval(item attr.Item) bool {
	x, err1 := b.Operand.resolve(item)
	lo, err2 := b.Low.resolve(item)
	hi, err3 := b.High.resolve(item)
	if err1 != nil || err2 != nil || err3 != nil || !attr.Comparable(x, lo) || !attr.Comparable(x, hi) {
		return false
	}
	return attr.Compare(lo, x) <= 0 && attr.Compare(x, hi) <= 0
}

func (in In) eval(item attr.Item) bool {
	x, err := in.Operand.resolve(item)
	if err != nil {
		return false
	}
	for _, o := range in.List {
		if v, err := o.resolve(item); err == nil && attr.Equal(x, v) {
			return true
		}
	}
	return false
}

func (f Function) eval(item attr.Item) bool {
	switch f.Name {
	case "attribute_exists":
		_, err := f.Args[0].resolve(item)
		return err == nil
	case "attribute_not_exists":
		_, err := f.Args[0].resolve(item)
		return err != nil
	}
	a, err := f.Args[0].resolve(item)
	if err != nil {
		return false
	}
	b, err := f.Args[1].resolve(item)
	if err != nil {
		return false
	}
	switch f.Name {
	case "attribute_type":
		return b.Type == attr.TypeS && a.Type.String() == b.S
	case "begins_with":
		switch {
		case a.Type == attr.TypeS && b.Type == attr.TypeS:
			return strings.HasPrefix(a.S, b.S)
		case a.Type == attr.TypeB && b.Type == attr.TypeB:
			return bytes.HasPrefix(a.B, b.B)
		}
	case "contains":
		switch a.Type {
		case attr.TypeS:
			return b.Type == attr.TypeS && strings.Contains(a.S, b.S)
		case attr.TypeB:
			return b.Type == attr.TypeB && bytes.Contains(a.B, b.B)
		case attr.TypeSS, attr.TypeNS, attr.TypeBS:
			return attr.SetContains(a, b)
		case attr.TypeL:
			for _, e := range a.L {
				if attr.Equal(e, b) {
					return true
				}
			}
		}
	}
	return false
}

func (a And) eval(item attr.Item) bool { return a.Left.eval(item) && a.Right.eval(item) }
func (o Or) eval(item attr.Item) bool  { return o.Left.eval(item) || o.Right.eval(item) }
func (n Not) eval(item attr.Item) bool { return !n.Cond.eval(item) }
