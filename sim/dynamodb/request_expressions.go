package dynamodb

import (
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
}

func (k *keyCondition) matches(sortValue attr.Value) bool { return k.kc.MatchSort(sortValue) }

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
