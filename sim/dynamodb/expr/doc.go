// Package expr parses and evaluates DynamoDB expressions for the offline emulator:
// condition and filter expressions, key condition expressions, projection expressions and
// update expressions, with ExpressionAttributeNames (#n) and ExpressionAttributeValues (:v).
//
// Usage by the service, for one request:
//
//	sc := expr.NewScope(req.ExpressionAttributeNames, req.ExpressionAttributeValues)
//	upd, err := expr.ParseUpdate(req.UpdateExpression, sc)       // each expression of the request
//	cond, err := expr.ParseCondition(expr.KindCondition, req.ConditionExpression, sc)
//	err = sc.CheckUnused()                                       // after parsing all of them
//	err = upd.CheckKeys("pk", "sk")
//	ok := cond.Eval(old)                                         // false: ConditionalCheckFailed
//	next, err := upd.Apply(old)
//
// Every error returned is an *attr.ValidationError carrying DynamoDB's message, for example
// `Invalid ConditionExpression: Syntax error; token: "=", near: "= = :v"`. Keywords (AND,
// BETWEEN, SET, ...) are case-insensitive; function names are case-sensitive, as in DynamoDB.
// Unescaped attribute names that are DynamoDB reserved words are rejected.
package expr
