package expr

import (
	"errors"
	"sort"
	"strings"

	"kmslab/sim/dynamodb/attr"
)

// IfNotExists is if_not_exists(Path, Default): the attribute if present, else Default.
type IfNotExists struct {
	Path    Path
	Default Operand
}

// ListAppend is list_append(A, B): the elements of list A followed by those of list B.
type ListAppend struct{ A, B Operand }

// Arithmetic is Left + Right or Left - Right on numbers.
type Arithmetic struct {
	Op          byte // '+' or '-'
	Left, Right Operand
}

func (o IfNotExists) resolve(item attr.Item) (attr.Value, error) {
	if v, ok := Get(item, o.Path); ok {
		return v, nil
	}
	return o.Default.resolve(item)
}

func (o ListAppend) resolve(item attr.Item) (attr.Value, error) {
	a, err := o.A.resolve(item)
	if err != nil {
		return attr.Value{}, err
	}
	b, err := o.B.resolve(item)
	if err != nil {
		return attr.Value{}, err
	}
	if a.Type != attr.TypeL || b.Type != attr.TypeL {
		return attr.Value{}, errBadType
	}
	out := make([]attr.Value, 0, len(a.L)+len(b.L))
	out = append(out, a.L...)
	out = append(out, b.L...)
	return attr.List(out...), nil
}

func (o Arithmetic) resolve(item attr.Item) (attr.Value, error) {
	a, err := o.Left.resolve(item)
	if err != nil {
		return attr.Value{}, err
	}
	b, err := o.Right.resolve(item)
	if err != nil {
		return attr.Value{}, err
	}
	if a.Type != attr.TypeN || b.Type != attr.TypeN {
		return attr.Value{}, errBadType
	}
	var n string
	if o.Op == '+' {
		n, err = attr.AddNumbers(a.N, b.N)
	} else {
		n, err = attr.SubNumbers(a.N, b.N)
	}
	if err != nil {
		return attr.Value{}, errors.Join(errOverflow, err)
	}
	return attr.Value{Type: attr.TypeN, N: n}, nil
}

// SetAction is one "path = value" clause of SET.
type SetAction struct {
	Path  Path
	Value Operand
}

// AddAction is one "path :value" clause of ADD or DELETE.
type AddAction struct {
	Path      Path
	ValueName string
	Value     attr.Value
}

// Update is a parsed UpdateExpression.
type Update struct {
	Set    []SetAction
	Remove []Path
	Add    []AddAction
	Delete []AddAction
}

// ParseUpdate parses an UpdateExpression: any of the sections SET, REMOVE, ADD and DELETE
// (each at most once, in any order), resolving placeholders through sc.
func ParseUpdate(src string, sc *Scope) (*Update, error) {
	p, err := newParser(KindUpdate, src, sc)
	if err != nil {
		return nil, err
	}
	u := &Update{}
	seen := map[string]bool{}
	for p.peek().kind != tokEOF {
		t := p.peek()
		section := strings.ToUpper(t.text)
		if t.kind != tokIdent || (section != "SET" && section != "REMOVE" && section != "ADD" && section != "DELETE") {
			return nil, p.syntaxErr()
		}
		if seen[section] {
			return nil, invalid(p.kind, "The %q section can only be used once in an update expression;", section)
		}
		seen[section] = true
		p.next()
		for {
			if err := p.parseUpdateClause(u, section); err != nil {
				return nil, err
			}
			if !p.isPunct(",") {
				break
			}
			p.next()
		}
	}
	if err := checkOverlap(p.kind, u.Paths()); err != nil {
		return nil, err
	}
	return u, nil
}

func (p *parser) parseUpdateClause(u *Update, section string) error {
	path, err := p.parsePath()
	if err != nil {
		return err
	}
	switch section {
	case "SET":
		if err := p.expectPunct("="); err != nil {
			return err
		}
		v, err := p.parseSetValue()
		if err != nil {
			return err
		}
		u.Set = append(u.Set, SetAction{path, v})
	case "REMOVE":
		u.Remove = append(u.Remove, path)
	case "ADD", "DELETE":
		v, err := p.parseValue()
		if err != nil {
			return err
		}
		t := v.Value.Type
		if (section == "ADD" && t != attr.TypeN && !t.IsSet()) || (section == "DELETE" && !t.IsSet()) {
			return p.operandTypeErr(section, t)
		}
		a := AddAction{path, v.Name, v.Value}
		if section == "ADD" {
			u.Add = append(u.Add, a)
		} else {
			u.Delete = append(u.Delete, a)
		}
	}
	return nil
}

// parseSetValue reads operand [ (+|-) operand ].
func (p *parser) parseSetValue() (Operand, error) {
	left, err := p.parseUpdateOperand()
	if err != nil {
		return nil, err
	}
	if p.isPunct("+") || p.isPunct("-") {
		op := p.next().text
		right, err := p.parseUpdateOperand()
		if err != nil {
			return nil, err
		}
		for _, o := range []Operand{left, right} {
			if v, ok := o.(ValueOperand); ok && v.Value.Type != attr.TypeN {
				return nil, p.operandTypeErr(op, v.Value.Type)
			}
		}
		return Arithmetic{op[0], left, right}, nil
	}
	return left, nil
}

func (p *parser) parseUpdateOperand() (Operand, error) {
	t := p.peek()
	switch {
	case t.kind == tokValue:
		return p.parseValue()
	case p.isFunctionCall():
		return p.parseUpdateFunction()
	case t.kind == tokIdent || t.kind == tokName:
		path, err := p.parsePath()
		if err != nil {
			return nil, err
		}
		return PathOperand{path}, nil
	}
	return nil, p.syntaxErr()
}

func (p *parser) parseUpdateFunction() (Operand, error) {
	name := p.peek().text
	switch {
	case name == "size" || condFunctions[name]:
		return nil, invalid(p.kind, "The function is not allowed in an update expression; function: %s", name)
	case name != "if_not_exists" && name != "list_append":
		return nil, invalid(p.kind, "Invalid function name; function: %s", name)
	}
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	p.next()
	p.next() // (
	args, err := p.parseArgs(name, name == "if_not_exists", p.parseUpdateOperand)
	if err != nil {
		return nil, err
	}
	if err := p.expectPunct(")"); err != nil {
		return nil, err
	}
	if len(args) != 2 {
		return nil, invalid(p.kind, "Incorrect number of operands for operator or function; operator or function: %s, number of operands: %d", name, len(args))
	}
	if name == "if_not_exists" {
		return IfNotExists{args[0].(PathOperand).Path, args[1]}, nil
	}
	for _, o := range args {
		if v, ok := o.(ValueOperand); ok && v.Value.Type != attr.TypeL {
			return nil, p.operandTypeErr(name, v.Value.Type)
		}
	}
	return ListAppend{args[0], args[1]}, nil
}

// Paths lists every document path the update writes or removes, in clause order. The service
// projects old and new items on them for ReturnValues UPDATED_OLD / UPDATED_NEW.
func (u *Update) Paths() []Path {
	var out []Path
	for _, s := range u.Set {
		out = append(out, s.Path)
	}
	out = append(out, u.Remove...)
	for _, a := range u.Add {
		out = append(out, a.Path)
	}
	for _, a := range u.Delete {
		out = append(out, a.Path)
	}
	return out
}

// CheckKeys rejects an update that touches a key attribute, with DynamoDB's message.
func (u *Update) CheckKeys(keyNames ...string) error {
	for _, p := range u.Paths() {
		for _, k := range keyNames {
			if k != "" && p[0].Name == k {
				return validation("One or more parameter values were invalid: Cannot update attribute " + k + ". This attribute is part of the key")
			}
		}
	}
	return nil
}

func operandError(err error) error {
	switch {
	case errors.Is(err, errMissing):
		return validation(MsgMissingAttribute)
	case errors.Is(err, errOverflow):
		var ve *attr.ValidationError
		if errors.As(err, &ve) {
			return ve
		}
	}
	return validation(MsgBadOperandType)
}

// Apply returns the item after the update; item itself is not modified (nil means the item
// does not exist yet, as UpdateItem on a new key). Every operand is evaluated against the
// item as it was before the update, as DynamoDB does. Errors carry DynamoDB's messages.
func (u *Update) Apply(item attr.Item) (attr.Item, error) {
	old := item
	out := item.Clone()
	if out == nil {
		out = attr.Item{}
	}
	values := make([]attr.Value, len(u.Set))
	for i, s := range u.Set {
		v, err := s.Value.resolve(old)
		if err != nil {
			return nil, operandError(err)
		}
		values[i] = v.Clone()
	}
	for i, s := range u.Set {
		if err := setPath(out, s.Path, values[i]); err != nil {
			return nil, err
		}
	}
	// Remove higher list indexes first so earlier removals do not shift later ones.
	removes := append([]Path(nil), u.Remove...)
	sort.SliceStable(removes, func(i, j int) bool { return removeFirst(removes[i], removes[j]) })
	for _, p := range removes {
		if err := removePath(out, p); err != nil {
			return nil, err
		}
	}
	for _, a := range u.Add {
		cur, ok := Get(out, a.Path)
		next := a.Value.Clone()
		if ok {
			var err error
			if next, err = addValues(cur, a.Value); err != nil {
				return nil, err
			}
		}
		if err := setPath(out, a.Path, next); err != nil {
			return nil, err
		}
	}
	for _, a := range u.Delete {
		cur, ok := Get(out, a.Path)
		if !ok {
			continue
		}
		diff, ok := attr.SetDifference(cur, a.Value)
		if !ok {
			return nil, validation(MsgBadOperandType)
		}
		var err error
		if diff.Len() == 0 {
			err = removePath(out, a.Path)
		} else {
			err = setPath(out, a.Path, diff)
		}
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func addValues(cur, v attr.Value) (attr.Value, error) {
	if cur.Type == attr.TypeN && v.Type == attr.TypeN {
		n, err := attr.AddNumbers(cur.N, v.N)
		if err != nil {
			return attr.Value{}, err
		}
		return attr.Value{Type: attr.TypeN, N: n}, nil
	}
	if u, ok := attr.SetUnion(cur, v); ok {
		return u, nil
	}
	return attr.Value{}, validation(MsgBadOperandType)
}

// removeFirst orders paths so that, under a common prefix, larger list indexes come first.
func removeFirst(a, b Path) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] == b[i] {
			continue
		}
		if a[i].IsIndex && b[i].IsIndex {
			return a[i].Index > b[i].Index
		}
		return false
	}
	return false
}

// container walks to the parent of the last path element, returning a pointer into out so the
// caller can modify it in place (out is already a private copy).
func setPath(out attr.Item, path Path, v attr.Value) error {
	if len(path) == 1 {
		out[path[0].Name] = v
		return nil
	}
	root, ok := out[path[0].Name]
	if !ok {
		return validation(MsgInvalidPath)
	}
	if err := setIn(&root, path[1:], v); err != nil {
		return err
	}
	out[path[0].Name] = root
	return nil
}

func setIn(cur *attr.Value, path Path, v attr.Value) error {
	e := path[0]
	switch {
	case e.IsIndex && cur.Type == attr.TypeL:
		if len(path) == 1 {
			if e.Index >= len(cur.L) {
				cur.L = append(cur.L, v) // past the end: DynamoDB appends
			} else {
				cur.L[e.Index] = v
			}
			return nil
		}
		if e.Index >= len(cur.L) {
			return validation(MsgInvalidPath)
		}
		return setIn(&cur.L[e.Index], path[1:], v)
	case !e.IsIndex && cur.Type == attr.TypeM:
		if len(path) == 1 {
			cur.M[e.Name] = v
			return nil
		}
		child, ok := cur.M[e.Name]
		if !ok {
			return validation(MsgInvalidPath)
		}
		if err := setIn(&child, path[1:], v); err != nil {
			return err
		}
		cur.M[e.Name] = child
		return nil
	}
	return validation(MsgInvalidPath)
}

func removePath(out attr.Item, path Path) error {
	if len(path) == 1 {
		delete(out, path[0].Name)
		return nil
	}
	root, ok := out[path[0].Name]
	if !ok {
		return nil // nothing to remove
	}
	if err := removeIn(&root, path[1:]); err != nil {
		return err
	}
	out[path[0].Name] = root
	return nil
}

func removeIn(cur *attr.Value, path Path) error {
	e := path[0]
	switch {
	case e.IsIndex && cur.Type == attr.TypeL:
		if e.Index >= len(cur.L) {
			return nil
		}
		if len(path) == 1 {
			cur.L = append(cur.L[:e.Index:e.Index], cur.L[e.Index+1:]...)
			return nil
		}
		return removeIn(&cur.L[e.Index], path[1:])
	case !e.IsIndex && cur.Type == attr.TypeM:
		child, ok := cur.M[e.Name]
		if !ok {
			return nil
		}
		if len(path) == 1 {
			delete(cur.M, e.Name)
			return nil
		}
		if err := removeIn(&child, path[1:]); err != nil {
			return err
		}
		cur.M[e.Name] = child
		return nil
	}
	return validation(MsgInvalidPath)
}
