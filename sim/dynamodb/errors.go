package dynamodb

import (
	"errors"

	"kmslab/sim/api"
	"kmslab/sim/dynamodb/attr"
)

// Messages DynamoDB answers learner mistakes with.
const (
	msgKeySchema       = "The provided key element does not match the schema"
	msgConditionFailed = "The conditional request failed"
)

func validationErr(format string, args ...any) *api.Error {
	return api.BadRequest("ValidationException", format, args...)
}

// asValidation turns an attr or expr validation error into a ValidationException and
// passes any other error through.
func asValidation(err error) error {
	if err == nil {
		return nil
	}
	var ve *attr.ValidationError
	if errors.As(err, &ve) {
		return validationErr("%s", ve.Message)
	}
	return err
}

func errNoTable() error {
	return api.BadRequest("ResourceNotFoundException", "Requested resource not found")
}

func errInvalidTableARN(ref string) error {
	return validationErr("Invalid TableArn: Invalid ResourceArn provided as input %s", ref)
}

// errTableInUse refuses a change to a table that is being created or updated.
func errTableInUse(state, name string) error {
	return api.BadRequest("ResourceInUseException", "Attempt to change a resource which is still in use: Table is being %s: %s", state, name)
}

// conditionFailedWith is ConditionalCheckFailedException, carrying the item as it was when
// the request asked for it with ReturnValuesOnConditionCheckFailure ALL_OLD (and there was one).
func conditionFailedWith(old attr.Item, onFailure string) error {
	e := api.BadRequest("ConditionalCheckFailedException", msgConditionFailed)
	if onFailure == "ALL_OLD" && old != nil {
		// With the item, DynamoDB's body is {"__type", "Message", "Item"}: an uppercase Message
		// and no lowercase one (moto's aws_verified tests, ConditionalCheckFailed in exceptions.py).
		e.Fields = map[string]any{"Item": old, "Message": e.Message}
	}
	return e
}

// errUnsupportedIndex refuses an IndexName the table has no index by.
func errUnsupportedIndex(name string) error {
	return validationErr("The table does not have the specified index: %s", name)
}
