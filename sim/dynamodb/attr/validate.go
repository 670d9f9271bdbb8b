package attr

import (
	"encoding/base64"
	"fmt"
	"strings"
)

// ValidationError is a request DynamoDB rejects with ValidationException; Message is the text
// DynamoDB returns. The service sends it as
// {"__type":"com.amazonaws.dynamodb.v20120810#ValidationException","message":Message}.
type ValidationError struct {
	Message string
}

func (e *ValidationError) Error() string { return e.Message }

// Validationf builds a *ValidationError; it exists so sibling packages (expr, the service)
// produce the same error type.
func Validationf(format string, args ...any) *ValidationError {
	return &ValidationError{Message: fmt.Sprintf(format, args...)}
}

// MaxDepth is how deeply DynamoDB lets maps and lists nest.
const MaxDepth = 32

// Messages DynamoDB returns for malformed attribute values.
const (
	MsgEmptyValue     = "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
	MsgMultipleTypes  = "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"
	msgPrefix         = "One or more parameter values were invalid: "
	msgEmptySS        = msgPrefix + "An string set  may not be empty"
	msgEmptyNS        = msgPrefix + "An number set  may not be empty"
	msgEmptyBS        = msgPrefix + "Binary sets should not be empty"
	msgNullFalse      = msgPrefix + "Null attribute value types must have the value of true"
	msgNesting        = msgPrefix + "Nesting Levels have exceeded supported limits"
	MsgItemTooLarge   = "Item size has exceeded the maximum allowed size"
	MsgUpdateTooLarge = "Item size to update has exceeded the maximum allowed size"
)

// Validate checks v the way DynamoDB checks a request value: exactly one type, numbers in
// range, sets non-empty and without duplicates, NULL true, nesting within MaxDepth. Empty
// strings and binaries are valid here: only key attributes forbid them (see CheckKey).
func (v Value) Validate() error { return v.validate(1) }

func (v Value) validate(depth int) error {
	if depth > MaxDepth {
		return &ValidationError{Message: msgNesting}
	}
	switch v.Type {
	case TypeInvalid:
		return &ValidationError{Message: MsgEmptyValue}
	case TypeS, TypeB, TypeBOOL:
		return nil
	case TypeNULL:
		return nil
	case TypeN:
		if _, err := canonicalNumber(v.N); err != nil {
			return err
		}
	case TypeSS:
		if len(v.SS) == 0 {
			return &ValidationError{Message: msgEmptySS}
		}
		return checkDuplicates(v.SS, v.SS)
	case TypeNS:
		if len(v.NS) == 0 {
			return &ValidationError{Message: msgEmptyNS}
		}
		canon := make([]string, len(v.NS))
		for i, n := range v.NS {
			c, err := canonicalNumber(n)
			if err != nil {
				return err
			}
			canon[i] = c
		}
		return checkDuplicates(canon, v.NS)
	case TypeBS:
		if len(v.BS) == 0 {
			return &ValidationError{Message: msgEmptyBS}
		}
		enc := make([]string, len(v.BS))
		for i, b := range v.BS {
			enc[i] = b64(b)
		}
		return checkDuplicates(enc, enc)
	case TypeM:
		for _, k := range sortedKeys(v.M) {
			if err := v.M[k].validate(depth + 1); err != nil {
				return err
			}
		}
	case TypeL:
		for _, e := range v.L {
			if err := e.validate(depth + 1); err != nil {
				return err
			}
		}
	default:
		return &ValidationError{Message: MsgEmptyValue}
	}
	return nil
}

// checkDuplicates compares by key (canonical form) and reports the collection as given.
func checkDuplicates(keys, shown []string) error {
	seen := make(map[string]bool, len(keys))
	for _, k := range keys {
		if seen[k] {
			return &ValidationError{Message: msgPrefix + "Input collection [" + strings.Join(shown, ", ") + "] contains duplicates."}
		}
		seen[k] = true
	}
	return nil
}

// Validate checks every attribute of the item (in name order, so the first error reported
// does not depend on map iteration).
func (it Item) Validate() error {
	for _, k := range it.Names() {
		if err := it[k].Validate(); err != nil {
			return err
		}
	}
	return nil
}

// Key attribute limits: a partition key value up to 2048 bytes, a sort key value up to 1024.
const (
	MaxHashKeyBytes  = 2048
	MaxRangeKeyBytes = 1024
)

// CheckKey validates a key attribute value named name against the table's declared type
// (TypeS, TypeN or TypeB). isRange selects the sort key size limit. Messages are DynamoDB's.
func CheckKey(name string, v Value, want Type, isRange bool) error {
	if v.Type != want {
		return Validationf("%sType mismatch for key %s expected: %s actual: %s", msgPrefix, name, want, v.Type)
	}
	if err := v.Validate(); err != nil {
		return err
	}
	if (v.Type == TypeS && v.S == "") || (v.Type == TypeB && len(v.B) == 0) {
		return Validationf("One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty %s value. Key: %s",
			map[Type]string{TypeS: "string", TypeB: "binary"}[v.Type], name)
	}
	size := len(v.S) + len(v.B) + len(v.N)
	if v.Type == TypeN {
		size = numberSize(v.N)
	}
	if !isRange && size > MaxHashKeyBytes {
		return Validationf("%sSize of hashkey has exceeded the maximum size limit of%d bytes", msgPrefix, MaxHashKeyBytes)
	}
	if isRange && size > MaxRangeKeyBytes {
		return Validationf("%sAggregated size of all range keys has exceeded the size limit of %d bytes", msgPrefix, MaxRangeKeyBytes)
	}
	return nil
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
