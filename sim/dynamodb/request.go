package dynamodb

import (
	"bytes"
	"encoding/json"
	"errors"
	"sort"

	"kmslab/sim/api"
	"kmslab/sim/dynamodb/attr"
)

// decode reads an awsJson1_0 body. AttributeValues validate while decoding, so a bad value
// is DynamoDB's ValidationException; anything that is not the right JSON shape is a
// SerializationException, as AWS answers.
func decode(body []byte, v any) error {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("trailing data")
	}
	if err == nil {
		return nil
	}
	var ve *attr.ValidationError
	if errors.As(err, &ve) {
		return validationErr("%s", ve.Message)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return api.BadRequest("SerializationException", "Unexpected value type in payload for field %q", te.Field)
	}
	if errors.Is(err, attr.ErrSerialization) {
		return api.BadRequest("SerializationException", "%s", err.Error())
	}
	return api.BadRequest("SerializationException", "Malformed request body: %s", err.Error())
}

// legacy holds the pre-expression parameters: accepted by the wire, refused with a pointer
// to the expression form the lab teaches.
type legacy struct {
	Expected            json.RawMessage `json:"Expected"`
	AttributesToGet     json.RawMessage `json:"AttributesToGet"`
	AttributeUpdates    json.RawMessage `json:"AttributeUpdates"`
	KeyConditions       json.RawMessage `json:"KeyConditions"`
	QueryFilter         json.RawMessage `json:"QueryFilter"`
	ScanFilter          json.RawMessage `json:"ScanFilter"`
	ConditionalOperator string          `json:"ConditionalOperator"`
}

func (l legacy) check() error {
	for name, raw := range map[string]json.RawMessage{
		"Expected": l.Expected, "AttributesToGet": l.AttributesToGet, "AttributeUpdates": l.AttributeUpdates,
		"KeyConditions": l.KeyConditions, "QueryFilter": l.QueryFilter, "ScanFilter": l.ScanFilter,
	} {
		if len(raw) > 0 && string(raw) != "null" {
			return validationErr("kmslab: the legacy parameter %s is not supported by the offline DynamoDB; use the expression parameters instead", name)
		}
	}
	if l.ConditionalOperator != "" {
		return validationErr("kmslab: the legacy parameter ConditionalOperator is not supported by the offline DynamoDB; use the expression parameters instead")
	}
	return nil
}

// exprInput is the expression plumbing every data-plane request shares.
type exprInput struct {
	ExpressionAttributeNames  map[string]string `json:"ExpressionAttributeNames"`
	ExpressionAttributeValues exprValues        `json:"ExpressionAttributeValues"`
}

// exprValues is ExpressionAttributeValues: a value DynamoDB refuses is reported with its key,
// as "ExpressionAttributeValues contains invalid value: <why> for key <key>".
type exprValues map[string]attr.Value

func (m *exprValues) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	if raw == nil {
		*m = nil
		return nil
	}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make(exprValues, len(raw))
	for _, k := range keys {
		var v attr.Value
		if err := json.Unmarshal(raw[k], &v); err != nil {
			var ve *attr.ValidationError
			if errors.As(err, &ve) {
				return attr.Validationf("ExpressionAttributeValues contains invalid value: %s for key %s", ve.Message, k)
			}
			return err
		}
		out[k] = v
	}
	*m = out
	return nil
}

type capacityInput struct {
	ReturnConsumedCapacity      string `json:"ReturnConsumedCapacity"`
	ReturnItemCollectionMetrics string `json:"ReturnItemCollectionMetrics"`
}

func (c capacityInput) check(v *validation) {
	v.enum("returnConsumedCapacity", c.ReturnConsumedCapacity, "INDEXES", "TOTAL", "NONE")
	v.enum("returnItemCollectionMetrics", c.ReturnItemCollectionMetrics, "SIZE", "NONE")
}

type consumedCapacity struct {
	TableName     string  `json:"TableName"`
	CapacityUnits float64 `json:"CapacityUnits"`
	// Table breaks the total down by table (there are no indexes) when
	// INDEXES is asked for, as AWS does.
	Table *capacityUnits `json:"Table,omitempty"`
}

type capacityUnits struct {
	CapacityUnits float64 `json:"CapacityUnits"`
}

// capacity reports consumed capacity when asked: 1 unit per started KB written, 0.5 (1 if
// strongly consistent) per started 4 KB read.
func capacity(mode, table string, bytes int, write, consistent bool) *consumedCapacity {
	if mode != "TOTAL" && mode != "INDEXES" {
		return nil
	}
	var units float64
	if write {
		units = float64(max(1, (bytes+1023)/1024))
	} else {
		units = float64(max(1, (bytes+4095)/4096))
		if !consistent {
			units /= 2
		}
	}
	c := &consumedCapacity{TableName: table, CapacityUnits: units}
	if mode == "INDEXES" {
		c.Table = &capacityUnits{CapacityUnits: units}
	}
	return c
}

// appendCapacity adds c, when reported, to a batch's ConsumedCapacity list.
func appendCapacity(list []consumedCapacity, c *consumedCapacity) []consumedCapacity {
	if c == nil {
		return list
	}
	return append(list, *c)
}

type attributesOutput struct {
	Attributes       attr.Item         `json:"Attributes,omitempty"`
	ConsumedCapacity *consumedCapacity `json:"ConsumedCapacity,omitempty"`
}

type tableNameInput struct {
	TableName string `json:"TableName"`
}

// isTrue reads an optional boolean member, absent meaning false.
func isTrue(b *bool) bool { return b != nil && *b }
