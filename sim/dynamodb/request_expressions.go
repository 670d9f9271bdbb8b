package dynamodb

import (
	"regexp"
	"sync"

	"kmslab/sim/dynamodb/attr"
	"kmslab/sim/dynamodb/expr"
)

// exprs parses the expressions of one request against its ExpressionAttributeNames and
// ExpressionAttributeValues, and checks at the end that every name and value was used.
type exprs struct {
	in     exprInput
	sc     *expr.Scope
	parsed bool
}

func newExprs(in exprInput) *exprs {
	return &exprs{in: in, sc: expr.NewScope(in.ExpressionAttributeNames, in.ExpressionAttributeValues)}
}

// condition is a parsed ConditionExpression or FilterExpression.
type condition struct{ c *expr.Condition }

// eval reports whether item (nil: no such item) satisfies the condition; a nil condition
// always holds.
func (c *condition) eval(item attr.Item) bool { return c == nil || c.c.Eval(item) }

func (e *exprs) condition(src *string, kind expr.Kind) (*condition, error) {
	if src == nil {
		return nil, nil
	}
	e.parsed = true
	c, err := expr.ParseCondition(kind, *src, e.sc)
	if err != nil {
		return nil, asValidation(err)
	}
	return &condition{c}, nil
}

// projection is a parsed ProjectionExpression; nil returns whole items.
type projection struct{ p *expr.Projection }

func (p *projection) apply(it attr.Item) attr.Item {
	if p == nil {
		return it
	}
	return p.p.Apply(it)
}

func (e *exprs) projection(src *string) (*projection, error) {
	if src == nil {
		return nil, nil
	}
	e.parsed = true
	p, err := expr.ParseProjection(*src, e.sc)
	if err != nil {
		return nil, asValidation(err)
	}
	return &projection{p}, nil
}

// update is a parsed UpdateExpression; without one, UpdateItem only makes sure the item exists.
type update struct{ u *expr.Update }

func (e *exprs) update(src *string) (*update, error) {
	if src == nil {
		return &update{}, nil
	}
	e.parsed = true
	u, err := expr.ParseUpdate(*src, e.sc)
	if err != nil {
		return nil, asValidation(err)
	}
	return &update{u}, nil
}

func (u *update) checkKeys(names ...string) error {
	if u.u == nil {
		return nil
	}
	return asValidation(u.u.CheckKeys(names...))
}

func (u *update) apply(it attr.Item) (attr.Item, error) {
	if u.u == nil {
		return it, nil
	}
	next, err := u.u.Apply(it)
	return next, asValidation(err)
}

// updated projects it on the paths the update wrote, for ReturnValues UPDATED_OLD/UPDATED_NEW.
func (u *update) updated(it attr.Item) attr.Item {
	if u.u == nil || it == nil {
		return nil
	}
	return expr.Project(it, u.u.Paths())
}

// keyCondition is a parsed KeyConditionExpression.
type keyCondition struct {
	hash attr.Value
	kc   *expr.KeyCondition
	// hashes are an index partition's key values; multi is the condition on a
	// multi-attribute index key (kc is nil then).
	hashes []attr.Value
	multi  *expr.MultiKeyCondition
}

func (k *keyCondition) matches(sortValue attr.Value) bool { return k.kc.MatchSort(sortValue) }

// matchesIndex reports whether an item of the index partition satisfies the condition.
func (k *keyCondition) matchesIndex(ix *index, it attr.Item) bool {
	for i, h := range ix.hashKeys {
		if !attr.Equal(it[h.name], k.hashes[i]) {
			return false
		}
	}
	if k.multi != nil {
		return k.multi.MatchSort(it)
	}
	return len(ix.rangeKeys) == 0 || k.kc.MatchSort(it[ix.rangeKeys[0].name])
}

func (e *exprs) keyCondition(src string, t *table) (*keyCondition, error) {
	e.parsed = true
	schema := expr.KeySchema{Hash: t.hashKey.name, HashType: t.hashKey.typ}
	if t.rangeKey != nil {
		schema.Range, schema.RangeType = t.rangeKey.name, t.rangeKey.typ
	}
	kc, err := expr.ParseKeyCondition(src, e.sc, schema)
	if err != nil {
		return nil, asValidation(err)
	}
	return &keyCondition{hash: kc.HashValue, kc: kc}, nil
}

// done checks, once every expression is parsed, that the request's names and values were
// all used (precheck has checked them beforehand).
func (e *exprs) done() error {
	if err := e.precheck(e.parsed); err != nil {
		return err
	}
	return asValidation(e.sc.CheckUnused())
}

// placeholder is what DynamoDB accepts as an ExpressionAttributeNames key (#name) or an
// ExpressionAttributeValues key (:value).
var (
	namePlaceholder  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^#[A-Za-z0-9_]+$`) })
	valuePlaceholder = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^:[A-Za-z0-9_]+$`) })
)

// precheck validates ExpressionAttributeNames and ExpressionAttributeValues themselves, in
// DynamoDB's order, before any expression is parsed or any table looked up: present without
// expressions, present but empty, then keys that are not placeholders. uses reports whether
// the request has any expression.
func (e *exprs) precheck(uses bool) error {
	names, values := e.in.ExpressionAttributeNames, e.in.ExpressionAttributeValues
	if names != nil && !uses {
		return validationErr("ExpressionAttributeNames can only be specified when using expressions")
	}
	if values != nil && !uses {
		return validationErr("ExpressionAttributeValues can only be specified when using expressions")
	}
	if names != nil && len(names) == 0 {
		return validationErr("ExpressionAttributeNames must not be empty")
	}
	if values != nil && len(values) == 0 {
		return validationErr("ExpressionAttributeValues must not be empty")
	}
	for _, k := range sortedTables(names) {
		if !namePlaceholder().MatchString(k) {
			return validationErr("ExpressionAttributeNames contains invalid key: Syntax error; key: %q", k)
		}
	}
	for _, k := range sortedTables(values) {
		if !valuePlaceholder().MatchString(k) {
			return validationErr("ExpressionAttributeValues contains invalid key: Syntax error; key: %q", k)
		}
	}
	return nil
}

// anySet reports whether any of the expression members is present.
func anySet(exprs ...*string) bool {
	for _, e := range exprs {
		if e != nil {
			return true
		}
	}
	return false
}

// earlyExprChecks is what a read's expressions are checked for before its table is looked
// up: precheck, then unused names and values if the expressions parse without the table's
// schema. Errors of the expressions themselves are left to the real parse after the table
// is found (this one works on a throwaway scope).
func earlyExprChecks(in exprInput, keyCondition, filter, projection *string) error {
	ex := newExprs(in)
	if err := ex.precheck(anySet(keyCondition, filter, projection)); err != nil {
		return err
	}
	if keyCondition != nil {
		ex.parsed = true
		if _, err := expr.ParseCondition(expr.KindKeyCondition, *keyCondition, ex.sc); err != nil {
			return nil
		}
	}
	if _, err := ex.condition(filter, expr.KindFilter); err != nil {
		return nil
	}
	if _, err := ex.projection(projection); err != nil {
		return nil
	}
	return ex.done()
}
