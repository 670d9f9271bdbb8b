package expr

import (
	"fmt"
	"sort"
	"strings"

	"kmslab/sim/dynamodb/attr"
)

// Kind names the request parameter an expression came from; it prefixes error messages
// ("Invalid FilterExpression: ...").
type Kind string

// The expression parameters of the DynamoDB API.
const (
	KindCondition    Kind = "ConditionExpression"
	KindFilter       Kind = "FilterExpression"
	KindKeyCondition Kind = "KeyConditionExpression"
	KindProjection   Kind = "ProjectionExpression"
	KindUpdate       Kind = "UpdateExpression"
)

// MaxExpressionLength is DynamoDB's limit on the length of one expression string.
const MaxExpressionLength = 4096

// maxNesting bounds parenthesis nesting so hostile input cannot exhaust the stack.
const maxNesting = 100

// Messages that DynamoDB returns without the "Invalid <kind>:" prefix.
const (
	MsgMissingAttribute = "The provided expression refers to an attribute that does not exist in the item"
	MsgBadOperandType   = "An operand in the update expression has an incorrect data type"
	MsgInvalidPath      = "The document path provided in the update expression is invalid for update"
)

func invalid(kind Kind, format string, args ...any) error {
	return &attr.ValidationError{Message: "Invalid " + string(kind) + ": " + fmt.Sprintf(format, args...)}
}

func validation(msg string) error { return &attr.ValidationError{Message: msg} }

// Scope holds a request's ExpressionAttributeNames and ExpressionAttributeValues and records
// which of them the request's expressions use, so that CheckUnused can reject leftovers as
// DynamoDB does. One Scope serves all expressions of one request. A nil *Scope is an empty one.
type Scope struct {
	names      map[string]string
	values     map[string]attr.Value
	usedNames  map[string]bool
	usedValues map[string]bool
}

// NewScope wraps the request's maps; either may be nil.
func NewScope(names map[string]string, values map[string]attr.Value) *Scope {
	return &Scope{names: names, values: values, usedNames: map[string]bool{}, usedValues: map[string]bool{}}
}

func (s *Scope) name(kind Kind, placeholder string) (string, error) {
	if s != nil {
		if n, ok := s.names[placeholder]; ok {
			s.usedNames[placeholder] = true
			return n, nil
		}
	}
	return "", invalid(kind, "An expression attribute name used in the document path is not defined; attribute name: %s", placeholder)
}

func (s *Scope) value(kind Kind, placeholder string) (attr.Value, error) {
	if s != nil {
		if v, ok := s.values[placeholder]; ok {
			s.usedValues[placeholder] = true
			return v, nil
		}
	}
	return attr.Value{}, invalid(kind, "An expression attribute value used in expression is not defined; attribute value: %s", placeholder)
}

// CheckUnused reports names or values supplied but used by no expression parsed with this
// scope, with DynamoDB's message. Call it after parsing every expression of the request.
func (s *Scope) CheckUnused() error {
	if s == nil {
		return nil
	}
	if left := unused(s.names, s.usedNames); len(left) > 0 {
		return validation("Value provided in ExpressionAttributeNames unused in expressions: keys: {" + strings.Join(left, ", ") + "}")
	}
	if left := unused(s.values, s.usedValues); len(left) > 0 {
		return validation("Value provided in ExpressionAttributeValues unused in expressions: keys: {" + strings.Join(left, ", ") + "}")
	}
	return nil
}

func unused[V any](m map[string]V, used map[string]bool) []string {
	var left []string
	for k := range m {
		if !used[k] {
			left = append(left, k)
		}
	}
	sort.Strings(left)
	return left
}
