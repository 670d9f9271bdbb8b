package dynamodb

import (
	"regexp"

	"kmslab/sim/dynamodb/expr"
)

// placeholder is what DynamoDB accepts as an ExpressionAttributeNames key (#name) or an
// ExpressionAttributeValues key (:value).
var (
	namePlaceholder  = regexp.MustCompile(`^#[A-Za-z0-9_]+$`)
	valuePlaceholder = regexp.MustCompile(`^:[A-Za-z0-9_]+$`)
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
		if !namePlaceholder.MatchString(k) {
			return validationErr("ExpressionAttributeNames contains invalid key: Syntax error; key: %q", k)
		}
	}
	for _, k := range sortedTables(values) {
		if !valuePlaceholder.MatchString(k) {
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
