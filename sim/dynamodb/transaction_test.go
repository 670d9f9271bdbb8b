package dynamodb

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestTransactWriteAllOrNothing(t *testing.T) {
	h := newHarness(t, Options{})
	h.must("CreateTable", fmt.Sprintf(usersTable, ""))
	h.must("CreateTable", eventsTable)
	h.must("PutItem", `{"TableName":"users","Item":{"id":{"S":"u1"},"credits":{"N":"5"}}}`)

	// The condition on the second action fails: nothing is written, the reasons are in order
	// and the old item comes back where asked for.
	tx := `{"TransactItems":[
		{"Put":{"TableName":"events","Item":{"pk":{"S":"u1"},"sk":{"N":"1"}}}},
		{"Update":{"TableName":"users","Key":{"id":{"S":"u1"}},"UpdateExpression":"SET credits = credits - :c","ConditionExpression":"credits >= :c",
			"ExpressionAttributeValues":{":c":{"N":"10"}},"ReturnValuesOnConditionCheckFailure":"ALL_OLD"}}]}`
	err := h.fails(h.admin, "TransactWriteItems", tx, "TransactionCanceledException",
		"Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]")
	reasons := mustJSON(t, err.Fields["CancellationReasons"])
	want := `[{"Code":"None"},{"Code":"ConditionalCheckFailed","Message":"The conditional request failed","Item":{"credits":{"N":"5"},"id":{"S":"u1"}}}]`
	if reasons != want {
		t.Fatalf("CancellationReasons\n got %s\nwant %s", reasons, want)
	}
	if out := h.must("Scan", `{"TableName":"events"}`); out["Count"] != float64(0) {
		t.Fatalf("a cancelled transaction wrote: %v", out)
	}

	ok := strings.Replace(tx, `":c":{"N":"10"}`, `":c":{"N":"3"}`, 1)
	h.must("TransactWriteItems", ok)
	if c := get(h.must("GetItem", `{"TableName":"users","Key":{"id":{"S":"u1"}}}`), "Item", "credits", "N"); c != "2" {
		t.Fatalf("credits after transaction %v", c)
	}
	if out := h.must("Scan", `{"TableName":"events"}`); out["Count"] != float64(1) {
		t.Fatalf("transaction put missing: %v", out)
	}
	got := h.must("TransactGetItems", `{"TransactItems":[{"Get":{"TableName":"users","Key":{"id":{"S":"u1"}},"ProjectionExpression":"credits"}},
		{"Get":{"TableName":"events","Key":{"pk":{"S":"nope"},"sk":{"N":"1"}}}}]}`)
	if r := mustJSON(t, got["Responses"]); r != `[{"Item":{"credits":{"N":"2"}}},{}]` {
		t.Fatalf("TransactGetItems responses %s", r)
	}
	h.must("TransactWriteItems", `{"TransactItems":[{"ConditionCheck":{"TableName":"users","Key":{"id":{"S":"u1"}},"ConditionExpression":"attribute_exists(id)"}},
		{"Delete":{"TableName":"events","Key":{"pk":{"S":"u1"},"sk":{"N":"1"}}}}]}`)
	if out := h.must("Scan", `{"TableName":"events"}`); out["Count"] != float64(0) {
		t.Fatalf("transaction delete: %v", out)
	}
}

func TestTransactIdempotency(t *testing.T) {
	h := newHarness(t, Options{})
	h.must("CreateTable", fmt.Sprintf(usersTable, ""))
	h.must("PutItem", `{"TableName":"users","Item":{"id":{"S":"u1"},"n":{"N":"0"}}}`)
	inc := func(by string) string {
		return `{"ClientRequestToken":"tok-1","TransactItems":[{"Update":{"TableName":"users","Key":{"id":{"S":"u1"}},"UpdateExpression":"SET n = n + :one","ExpressionAttributeValues":{":one":{"N":"` + by + `"}}}}]}`
	}
	h.must("TransactWriteItems", inc("1"))
	h.must("TransactWriteItems", inc("1"))
	if n := get(h.must("GetItem", `{"TableName":"users","Key":{"id":{"S":"u1"}}}`), "Item", "n", "N"); n != "1" {
		t.Fatalf("a repeated token applied the transaction again: n=%v", n)
	}
	h.fails(h.admin, "TransactWriteItems", inc("2"), "IdempotentParameterMismatchException", "")
	h.advance(10 * time.Minute)
	h.must("TransactWriteItems", inc("2"))
	if n := get(h.must("GetItem", `{"TableName":"users","Key":{"id":{"S":"u1"}}}`), "Item", "n", "N"); n != "3" {
		t.Fatalf("after the token expired: n=%v", n)
	}
}

func TestTransactNeedsTableKey(t *testing.T) {
	h := newHarness(t, Options{})
	key := h.kms.addKey("alias/lab", h.admin.ARN)
	h.must("CreateTable", fmt.Sprintf(usersTable, sse("alias/lab")))
	h.must("CreateTable", eventsTable) // owned key: the user may use it
	for _, c := range []struct{ op, body string }{
		{"TransactWriteItems", `{"TransactItems":[{"Put":{"TableName":"events","Item":{"pk":{"S":"a"},"sk":{"N":"1"}}}},{"Put":{"TableName":"users","Item":{"id":{"S":"u9"}}}}]}`},
		{"TransactGetItems", `{"TransactItems":[{"Get":{"TableName":"users","Key":{"id":{"S":"u1"}}}}]}`},
	} {
		err := h.fails(h.user, c.op, c.body, "AccessDeniedException", "")
		if m := deniedRE.FindStringSubmatch(err.Message); m == nil || m[1] != key.arn {
			t.Fatalf("%s denial: %s", c.op, err.Message)
		}
	}
	if out := h.must("Scan", `{"TableName":"events"}`); out["Count"] != float64(0) {
		t.Fatalf("a refused transaction wrote to the other table: %v", out)
	}
}

// TestValidationOrder pins the order in which DynamoDB reports request mistakes: names and
// values before the table lookup, the key before the expressions.
func TestValidationOrder(t *testing.T) {
	h := newHarness(t, Options{})
	h.must("CreateTable", fmt.Sprintf(usersTable, ""))
	h.must("CreateTable", fmt.Sprintf(ordersTable, ""))
	put := func(extra string) string { return `{"TableName":"users","Item":{"id":{"S":"a"}}` + extra + `}` }
	many := make([]string, 101)
	for i := range many {
		many[i] = fmt.Sprintf(`{"Put":{"TableName":"users","Item":{"id":{"S":"k%d"}}}}`, i)
	}
	cases := []struct{ name, op, body, code, msg string }{
		{"empty values", "PutItem", put(`,"ConditionExpression":"attribute_exists(id)","ExpressionAttributeValues":{}`), "ValidationException", "ExpressionAttributeValues must not be empty"},
		{"empty names", "PutItem", put(`,"ConditionExpression":"attribute_exists(id)","ExpressionAttributeNames":{}`), "ValidationException", "ExpressionAttributeNames must not be empty"},
		{"invalid value key", "PutItem", put(`,"ConditionExpression":"n = :a","ExpressionAttributeValues":{":a":{"S":"x"},"b":{"S":"y"}}`), "ValidationException", `ExpressionAttributeValues contains invalid key: Syntax error; key: "b"`},
		{"invalid name key", "GetItem", `{"TableName":"users","Key":{"id":{"S":"a"}},"ProjectionExpression":"#a","ExpressionAttributeNames":{"#a":"x","a":"y"}}`, "ValidationException", `ExpressionAttributeNames contains invalid key: Syntax error; key: "a"`},
		{"names without expressions before key schema", "GetItem", `{"TableName":"users","Key":{"nope":{"S":"a"}},"ExpressionAttributeNames":{"#a":"x"}}`, "ValidationException", "ExpressionAttributeNames can only be specified when using expressions"},
		{"unused name before table lookup", "PutItem", `{"TableName":"nope","Item":{"id":{"S":"a"}},"ConditionExpression":"attribute_exists(id)","ExpressionAttributeNames":{"#a":"x"}}`, "ValidationException", "Value provided in ExpressionAttributeNames unused in expressions: keys: {#a}"},
		{"unused value before table lookup in query", "Query", `{"TableName":"nope","KeyConditionExpression":"id = :a","ExpressionAttributeValues":{":a":{"S":"x"},":b":{"S":"y"}}}`, "ValidationException", "Value provided in ExpressionAttributeValues unused in expressions: keys: {:b}"},
		{"unused name before table lookup in scan", "Scan", `{"TableName":"nope","FilterExpression":"a = :a","ExpressionAttributeNames":{"#b":"b"},"ExpressionAttributeValues":{":a":{"S":"x"}}}`, "ValidationException", "Value provided in ExpressionAttributeNames unused in expressions: keys: {#b}"},
		{"key before undefined name", "DeleteItem", `{"TableName":"users","Key":{"id":{"N":"1"}},"ConditionExpression":"#x = :v","ExpressionAttributeValues":{":v":{"S":"a"}}}`, "ValidationException", "The provided key element does not match the schema"},
		{"bad on-failure value", "PutItem", put(`,"ReturnValuesOnConditionCheckFailure":"ALL_NEW"`), "ValidationException",
			"1 validation error detected: Value 'ALL_NEW' at 'returnValuesOnConditionCheckFailure' failed to satisfy constraint: Member must satisfy enum value set: [ALL_OLD, NONE]"},
		{"transaction too large", "TransactWriteItems", `{"TransactItems":[` + strings.Join(many, ",") + `]}`, "ValidationException",
			"1 validation error detected: Value '[101 items]' at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100"},
		{"transaction empty", "TransactWriteItems", `{"TransactItems":[]}`, "ValidationException",
			"1 validation error detected: Value '[]' at 'transactItems' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"transaction two actions in one", "TransactWriteItems", `{"TransactItems":[{"Put":{"TableName":"users","Item":{"id":{"S":"a"}}},"Delete":{"TableName":"users","Key":{"id":{"S":"a"}}}}]}`, "ValidationException",
			"TransactItems can only contain one of Check, Put, Update or Delete"},
		{"transaction same item twice", "TransactWriteItems", `{"TransactItems":[{"Put":{"TableName":"users","Item":{"id":{"S":"a"}}}},{"ConditionCheck":{"TableName":"users","Key":{"id":{"S":"a"}},"ConditionExpression":"attribute_exists(id)"}}]}`, "ValidationException",
			"Transaction request cannot include multiple operations on one item"},
		{"transaction get same item twice", "TransactGetItems", `{"TransactItems":[{"Get":{"TableName":"users","Key":{"id":{"S":"a"}}}},{"Get":{"TableName":"users","Key":{"id":{"S":"a"}}}}]}`, "ValidationException",
			"Transaction request cannot include multiple operations on one item"},
		{"transaction condition check without condition", "TransactWriteItems", `{"TransactItems":[{"ConditionCheck":{"TableName":"users","Key":{"id":{"S":"a"}}}}]}`, "ValidationException",
			"1 validation error detected: Value null at 'transactItems.1.member.conditionCheck.conditionExpression' failed to satisfy constraint: Member must not be null"},
		{"transaction unknown table", "TransactWriteItems", `{"TransactItems":[{"Put":{"TableName":"nope","Item":{"id":{"S":"a"}}}}]}`, "ResourceNotFoundException", "Requested resource not found"},
		{"transaction index key type", "TransactWriteItems", `{"TransactItems":[{"Put":{"TableName":"orders","Item":{"cust":{"S":"c"},"id":{"N":"1"},"status":{"N":"1"}}}}]}`, "ValidationException",
			"One or more parameter values were invalid: Type mismatch for Index Key status Expected: S Actual: N IndexName: by-status"},
		{"transaction token too long", "TransactWriteItems", `{"ClientRequestToken":"` + strings.Repeat("t", 37) + `","TransactItems":[{"Put":{"TableName":"users","Item":{"id":{"S":"a"}}}}]}`, "ValidationException",
			"1 validation error detected: Value '" + strings.Repeat("t", 37) + "' at 'clientRequestToken' failed to satisfy constraint: Member must have length less than or equal to 36"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h.t = t
			h.fails(h.admin, c.op, c.body, c.code, c.msg)
		})
	}
}

func TestReturnValuesOnConditionCheckFailure(t *testing.T) {
	h := newHarness(t, Options{})
	h.must("CreateTable", fmt.Sprintf(usersTable, ""))
	h.must("PutItem", `{"TableName":"users","Item":{"id":{"S":"u1"},"v":{"N":"1"}}}`)
	for _, op := range []string{"PutItem", "UpdateItem", "DeleteItem"} {
		target := `"Key":{"id":{"S":"u1"}}`
		if op == "PutItem" {
			target = `"Item":{"id":{"S":"u1"}}`
		}
		body := `{"TableName":"users",` + target + `,"ConditionExpression":"attribute_not_exists(id)","ReturnValuesOnConditionCheckFailure":"%s"}`
		err := h.fails(h.admin, op, fmt.Sprintf(body, "ALL_OLD"), "ConditionalCheckFailedException", "The conditional request failed")
		if got := mustJSON(t, err.Fields["Item"]); got != `{"id":{"S":"u1"},"v":{"N":"1"}}` {
			t.Fatalf("%s ALL_OLD item %s", op, got)
		}
		if err := h.fails(h.admin, op, fmt.Sprintf(body, "NONE"), "ConditionalCheckFailedException", "The conditional request failed"); err.Fields != nil {
			t.Fatalf("%s NONE carries %v", op, err.Fields)
		}
	}
}
