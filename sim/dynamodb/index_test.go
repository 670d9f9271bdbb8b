package dynamodb

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// ordersTable has a GSI on status and amount projecting total, and a KEYS_ONLY LSI on amount.
const ordersTable = `{"TableName":"orders","BillingMode":"PAY_PER_REQUEST",
	"KeySchema":[{"AttributeName":"cust","KeyType":"HASH"},{"AttributeName":"id","KeyType":"RANGE"}],
	"AttributeDefinitions":[{"AttributeName":"cust","AttributeType":"S"},{"AttributeName":"id","AttributeType":"N"},
		{"AttributeName":"status","AttributeType":"S"},{"AttributeName":"amount","AttributeType":"N"}],
	"GlobalSecondaryIndexes":[{"IndexName":"by-status","KeySchema":[{"AttributeName":"status","KeyType":"HASH"},{"AttributeName":"amount","KeyType":"RANGE"}],
		"Projection":{"ProjectionType":"INCLUDE","NonKeyAttributes":["total"]}}],
	"LocalSecondaryIndexes":[{"IndexName":"by-amount","KeySchema":[{"AttributeName":"cust","KeyType":"HASH"},{"AttributeName":"amount","KeyType":"RANGE"}],
		"Projection":{"ProjectionType":"KEYS_ONLY"}}]%s}`

func putOrders(h *harness) {
	h.t.Helper()
	for i, o := range []struct{ cust, status, amount string }{
		{"c1", "open", "30"}, {"c1", "open", "10"}, {"c2", "open", "20"}, {"c2", "shipped", "5"}, {"c3", "", ""},
	} {
		item := fmt.Sprintf(`"cust":{"S":%q},"id":{"N":"%d"},"total":{"N":"%d"},"note":{"S":"n%d"}`, o.cust, i+1, i*100, i)
		if o.status != "" {
			item += fmt.Sprintf(`,"status":{"S":%q},"amount":{"N":%q}`, o.status, o.amount)
		}
		h.must("PutItem", `{"TableName":"orders","Item":{`+item+`}}`)
	}
}

func orderIDs(out map[string]any) []string {
	var got []string
	items, _ := out["Items"].([]any)
	for _, it := range items {
		m := it.(map[string]any)
		got = append(got, fmt.Sprint(get(m, "id", "N")))
	}
	return got
}

func TestIndexQueryAndScan(t *testing.T) {
	h := newHarness(t, Options{})
	h.must("CreateTable", fmt.Sprintf(ordersTable, ""))
	putOrders(h)

	out := h.must("Query", `{"TableName":"orders","IndexName":"by-status","KeyConditionExpression":"#s = :o","ExpressionAttributeNames":{"#s":"status"},"ExpressionAttributeValues":{":o":{"S":"open"}}}`)
	if got := strings.Join(orderIDs(out), ","); got != "2,3,1" {
		t.Fatalf("GSI query order by amount: %s (%v)", got, out)
	}
	first := out["Items"].([]any)[0].(map[string]any)
	if _, ok := first["note"]; ok {
		t.Fatalf("INCLUDE projection returned a non-projected attribute: %v", first)
	}
	if get(first, "total", "N") == nil || get(first, "cust", "S") == nil {
		t.Fatalf("INCLUDE projection lost keys or included attributes: %v", first)
	}
	// A projection expression naming a non-projected attribute reads nothing for it on a GSI...
	out = h.must("Query", `{"TableName":"orders","IndexName":"by-status","KeyConditionExpression":"#s = :o","ProjectionExpression":"note, id","ExpressionAttributeNames":{"#s":"status"},"ExpressionAttributeValues":{":o":{"S":"open"}}}`)
	if it := out["Items"].([]any)[0].(map[string]any); it["note"] != nil || it["id"] == nil {
		t.Fatalf("GSI fetched a non-projected attribute: %v", it)
	}
	// ...but an LSI fetches it from the table.
	out = h.must("Query", `{"TableName":"orders","IndexName":"by-amount","KeyConditionExpression":"cust = :c AND amount > :a","ProjectionExpression":"note","ExpressionAttributeValues":{":c":{"S":"c1"},":a":{"N":"15"}}}`)
	if items := out["Items"].([]any); len(items) != 1 || get(items[0].(map[string]any), "note", "S") != "n0" {
		t.Fatalf("LSI query with non-projected attribute: %v", out)
	}
	// Sparse: c3's order has no status and is absent from both indexes.
	out = h.must("Scan", `{"TableName":"orders","IndexName":"by-status"}`)
	if out["Count"] != float64(4) {
		t.Fatalf("GSI scan count %v, want 4 (sparse)", out["Count"])
	}
	out = h.must("Scan", `{"TableName":"orders","IndexName":"by-amount","Select":"COUNT"}`)
	if out["Count"] != float64(4) {
		t.Fatalf("LSI scan count %v, want 4 (sparse)", out["Count"])
	}
	// Paging through the GSI one item at a time visits every item once.
	var seen []string
	start := ""
	for range 10 {
		out = h.must("Scan", `{"TableName":"orders","IndexName":"by-status","Limit":1`+start+`}`)
		seen = append(seen, orderIDs(out)...)
		lek, ok := out["LastEvaluatedKey"].(map[string]any)
		if !ok {
			break
		}
		for _, k := range []string{"cust", "id", "status", "amount"} {
			if lek[k] == nil {
				t.Fatalf("LastEvaluatedKey %v lacks %s", lek, k)
			}
		}
		start = `,"ExclusiveStartKey":` + mustJSON(t, lek)
	}
	if len(seen) != 4 {
		t.Fatalf("paged GSI scan saw %v", seen)
	}
	out = h.must("Query", `{"TableName":"orders","IndexName":"by-status","Limit":1,"ScanIndexForward":false,"KeyConditionExpression":"#s = :o","ExpressionAttributeNames":{"#s":"status"},"ExpressionAttributeValues":{":o":{"S":"open"}}}`)
	next := h.must("Query", `{"TableName":"orders","IndexName":"by-status","ScanIndexForward":false,"KeyConditionExpression":"#s = :o","ExpressionAttributeNames":{"#s":"status"},"ExpressionAttributeValues":{":o":{"S":"open"}},"ExclusiveStartKey":`+mustJSON(t, out["LastEvaluatedKey"].(map[string]any))+`}`)
	if got := strings.Join(append(orderIDs(out), orderIDs(next)...), ","); got != "1,3,2" {
		t.Fatalf("backward paged GSI query: %s", got)
	}

	d := h.must("DescribeTable", `{"TableName":"orders"}`)
	gsi := get(d, "Table", "GlobalSecondaryIndexes").([]any)[0].(map[string]any)
	if gsi["IndexStatus"] != "ACTIVE" || gsi["ItemCount"] != float64(4) || gsi["IndexArn"] != "arn:aws:dynamodb:us-east-1:111122223333:table/orders/index/by-status" {
		t.Fatalf("GSI description %v", gsi)
	}
	if p := get(gsi, "Projection", "ProjectionType"); p != "INCLUDE" {
		t.Fatalf("GSI projection %v", p)
	}
	lsi := get(d, "Table", "LocalSecondaryIndexes").([]any)[0].(map[string]any)
	if lsi["ItemCount"] != float64(4) || lsi["IndexStatus"] != nil {
		t.Fatalf("LSI description %v", lsi)
	}
	h.must("DeleteItem", `{"TableName":"orders","Key":{"cust":{"S":"c1"},"id":{"N":"1"}}}`)
	d = h.must("DescribeTable", `{"TableName":"orders"}`)
	if c := get(d, "Table", "GlobalSecondaryIndexes").([]any)[0].(map[string]any)["ItemCount"]; c != float64(3) {
		t.Fatalf("GSI ItemCount after delete %v", c)
	}
}

func TestUpdateTableGSI(t *testing.T) {
	h := newHarness(t, Options{CreationDelay: time.Minute})
	h.must("CreateTable", eventsTable)
	h.advance(time.Minute)
	h.must("PutItem", `{"TableName":"events","Item":{"pk":{"S":"a"},"sk":{"N":"1"},"kind":{"S":"login"}}}`)
	h.must("PutItem", `{"TableName":"events","Item":{"pk":{"S":"b"},"sk":{"N":"2"},"kind":{"N":"7"}}}`)
	create := `{"TableName":"events","AttributeDefinitions":[{"AttributeName":"kind","AttributeType":"S"}],
		"GlobalSecondaryIndexUpdates":[{"Create":{"IndexName":"by-kind","KeySchema":[{"AttributeName":"kind","KeyType":"HASH"}],
		"Projection":{"ProjectionType":"ALL"},"ProvisionedThroughput":{"ReadCapacityUnits":1,"WriteCapacityUnits":1}}}]}`
	out := h.must("UpdateTable", create)
	gsis := get(out, "TableDescription", "GlobalSecondaryIndexes").([]any)
	if len(gsis) != 1 || gsis[0].(map[string]any)["IndexStatus"] != "CREATING" {
		t.Fatalf("UpdateTable create answer %v", out)
	}
	query := `{"TableName":"events","IndexName":"by-kind","KeyConditionExpression":"kind = :k","ExpressionAttributeValues":{":k":{"S":"login"}}}`
	h.fails(h.admin, "Query", query, "ValidationException", "Cannot read from backfilling global secondary index: by-kind")
	h.advance(time.Minute)
	out = h.must("Query", query)
	if out["Count"] != float64(1) {
		t.Fatalf("backfilled GSI query %v (the N-typed kind must not be indexed)", out)
	}
	// The backfill is counted by the first request holding the table key.
	if c := get(h.must("DescribeTable", `{"TableName":"events"}`), "Table", "GlobalSecondaryIndexes").([]any)[0].(map[string]any)["ItemCount"]; c != float64(1) {
		t.Fatalf("backfilled ItemCount %v", c)
	}
	h.fails(h.admin, "PutItem", `{"TableName":"events","Item":{"pk":{"S":"c"},"sk":{"N":"3"},"kind":{"N":"1"}}}`,
		"ValidationException", "One or more parameter values were invalid: Type mismatch for Index Key kind Expected: S Actual: N IndexName: by-kind")
	h.fails(h.admin, "UpdateTable", create, "ValidationException", "One or more parameter values were invalid: Index with name: by-kind already exists")
	out = h.must("UpdateTable", `{"TableName":"events","GlobalSecondaryIndexUpdates":[{"Delete":{"IndexName":"by-kind"}}]}`)
	if s := get(out, "TableDescription", "GlobalSecondaryIndexes").([]any)[0].(map[string]any)["IndexStatus"]; s != "DELETING" {
		t.Fatalf("UpdateTable delete answer status %v", s)
	}
	d := h.must("DescribeTable", `{"TableName":"events"}`)
	if g := get(d, "Table", "GlobalSecondaryIndexes"); g != nil {
		t.Fatalf("index still described after delete: %v", g)
	}
	if defs := get(d, "Table", "AttributeDefinitions").([]any); len(defs) != 2 {
		t.Fatalf("attribute definitions after delete: %v", defs)
	}
	h.fails(h.admin, "Query", query, "ValidationException", "The table does not have the specified index: by-kind")
	h.must("PutItem", `{"TableName":"events","Item":{"pk":{"S":"c"},"sk":{"N":"3"},"kind":{"N":"1"}}}`)
}

func TestIndexReadNeedsTableKey(t *testing.T) {
	h := newHarness(t, Options{})
	key := h.kms.addKey("alias/lab", h.admin.ARN)
	h.must("CreateTable", fmt.Sprintf(ordersTable, sse("alias/lab")))
	putOrders(h)
	for _, body := range []string{
		`{"TableName":"orders","IndexName":"by-status","KeyConditionExpression":"#s = :o","ExpressionAttributeNames":{"#s":"status"},"ExpressionAttributeValues":{":o":{"S":"open"}}}`,
		`{"TableName":"orders","IndexName":"by-amount","KeyConditionExpression":"cust = :c","ExpressionAttributeValues":{":c":{"S":"c1"}}}`,
	} {
		err := h.fails(h.user, "Query", body, "AccessDeniedException", "")
		if m := deniedRE.FindStringSubmatch(err.Message); m == nil || m[1] != key.arn {
			t.Fatalf("index query denial: %s", err.Message)
		}
	}
	h.fails(h.user, "Scan", `{"TableName":"orders","IndexName":"by-status"}`, "AccessDeniedException", "")
	h.kms.allow(key, h.user.ARN)
	if out, err := h.call(h.user, "Scan", `{"TableName":"orders","IndexName":"by-status"}`); err != nil || out["Count"] != float64(4) {
		t.Fatalf("after key policy edit: %v %v", out, err)
	}
}

func TestIndexErrors(t *testing.T) {
	h := newHarness(t, Options{})
	h.must("CreateTable", fmt.Sprintf(ordersTable, ""))
	table := func(defs, gsis, lsis string) string {
		body := `{"TableName":"tab1","BillingMode":"PAY_PER_REQUEST","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],"AttributeDefinitions":[` + defs + `]`
		if gsis != "" {
			body += `,"GlobalSecondaryIndexes":[` + gsis + `]`
		}
		if lsis != "" {
			body += `,"LocalSecondaryIndexes":[` + lsis + `]`
		}
		return body + "}"
	}
	pkSk := `{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"S"}`
	gsiOn := func(name, attr, proj string) string {
		return `{"IndexName":"` + name + `","KeySchema":[{"AttributeName":"` + attr + `","KeyType":"HASH"}],"Projection":` + proj + `}`
	}
	cases := []struct{ name, op, body, code, msg string }{
		{"undefined index key", "CreateTable", table(pkSk, gsiOn("gsi1", "x", `{"ProjectionType":"ALL"}`), ""), "ValidationException",
			"One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [x], AttributeDefinitions: [pk, sk]"},
		{"unused definition", "CreateTable", table(pkSk+`,{"AttributeName":"x","AttributeType":"S"},{"AttributeName":"y","AttributeType":"S"}`, gsiOn("gsi1", "x", `{"ProjectionType":"ALL"}`), ""), "ValidationException",
			"One or more parameter values were invalid: Some AttributeDefinitions are not used. AttributeDefinitions: [pk, sk, x, y], keys used: [pk, sk, x]"},
		{"bad projection type", "CreateTable", table(pkSk+`,{"AttributeName":"x","AttributeType":"S"}`, gsiOn("gsi1", "x", `{"ProjectionType":"SOME"}`), ""), "ValidationException",
			"1 validation error detected: Value 'SOME' at 'globalSecondaryIndexes.1.member.projection.projectionType' failed to satisfy constraint: Member must satisfy enum value set: [ALL, KEYS_ONLY, INCLUDE]"},
		{"short index name", "CreateTable", table(pkSk+`,{"AttributeName":"x","AttributeType":"S"}`, gsiOn("g", "x", `{"ProjectionType":"ALL"}`), ""), "ValidationException",
			"1 validation error detected: Value 'g' at 'globalSecondaryIndexes.1.member.indexName' failed to satisfy constraint: Member must have length greater than or equal to 3"},
		{"non-key attributes on ALL", "CreateTable", table(pkSk+`,{"AttributeName":"x","AttributeType":"S"}`, gsiOn("gsi1", "x", `{"ProjectionType":"ALL","NonKeyAttributes":["a"]}`), ""), "ValidationException",
			"One or more parameter values were invalid: ProjectionType is ALL, but NonKeyAttributes is specified"},
		{"duplicate index", "CreateTable", table(pkSk+`,{"AttributeName":"x","AttributeType":"S"}`, gsiOn("gsi1", "x", `{"ProjectionType":"ALL"}`)+","+gsiOn("gsi1", "x", `{"ProjectionType":"ALL"}`), ""), "ValidationException",
			"One or more parameter values were invalid: Duplicate index name: gsi1"},
		{"lsi other hash", "CreateTable", table(pkSk+`,{"AttributeName":"x","AttributeType":"S"}`, "", `{"IndexName":"lsi1","KeySchema":[{"AttributeName":"x","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],"Projection":{"ProjectionType":"ALL"}}`), "ValidationException",
			"One or more parameter values were invalid: Index KeySchema does not have the same leading hash key as table KeySchema for index: lsi1. index hash key: x, table hash key: pk"},
		{"gsi throughput on demand", "CreateTable", table(pkSk+`,{"AttributeName":"x","AttributeType":"S"}`, `{"IndexName":"gsi1","KeySchema":[{"AttributeName":"x","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"},"ProvisionedThroughput":{"ReadCapacityUnits":1,"WriteCapacityUnits":1}}`, ""), "ValidationException",
			"One or more parameter values were invalid: ProvisionedThroughput should not be specified for index: gsi1 when BillingMode is PAY_PER_REQUEST"},
		{"empty gsi list", "CreateTable", `{"TableName":"tab1","BillingMode":"PAY_PER_REQUEST","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"GlobalSecondaryIndexes":[]}`, "ValidationException",
			"One or more parameter values were invalid: List of GlobalSecondaryIndexes is empty"},
		{"lsi without table range", "CreateTable", `{"TableName":"tab1","BillingMode":"PAY_PER_REQUEST","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"x","AttributeType":"S"}],"LocalSecondaryIndexes":[{"IndexName":"lsi1","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"x","KeyType":"RANGE"}],"Projection":{"ProjectionType":"ALL"}}]}`, "ValidationException",
			"One or more parameter values were invalid: Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex"},
		{"unknown index", "Query", `{"TableName":"orders","IndexName":"nope","KeyConditionExpression":"cust = :c","ExpressionAttributeValues":{":c":{"S":"c1"}}}`, "ValidationException", "The table does not have the specified index: nope"},
		{"consistent read on gsi", "Query", `{"TableName":"orders","IndexName":"by-status","ConsistentRead":true,"KeyConditionExpression":"#s = :o","ExpressionAttributeNames":{"#s":"status"},"ExpressionAttributeValues":{":o":{"S":"open"}}}`, "ValidationException", "Consistent reads are not supported on global secondary indexes"},
		{"all attributes on include gsi", "Query", `{"TableName":"orders","IndexName":"by-status","Select":"ALL_ATTRIBUTES","KeyConditionExpression":"#s = :o","ExpressionAttributeNames":{"#s":"status"},"ExpressionAttributeValues":{":o":{"S":"open"}}}`, "ValidationException",
			"One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index by-status because its projection type is not ALL"},
		{"table key condition on index", "Query", `{"TableName":"orders","IndexName":"by-status","KeyConditionExpression":"cust = :c","ExpressionAttributeValues":{":c":{"S":"c1"}}}`, "ValidationException", "Query condition missed key schema element: status"},
		{"projected on table", "Scan", `{"TableName":"orders","Select":"ALL_PROJECTED_ATTRIBUTES"}`, "ValidationException", "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName"},
		{"index key type", "PutItem", `{"TableName":"orders","Item":{"cust":{"S":"c"},"id":{"N":"1"},"amount":{"S":"x"}}}`, "ValidationException",
			"One or more parameter values were invalid: Type mismatch for Index Key amount Expected: N Actual: S IndexName: by-status"},
		{"index key empty", "PutItem", `{"TableName":"orders","Item":{"cust":{"S":"c"},"id":{"N":"1"},"status":{"S":""}}}`, "ValidationException",
			"One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty string value. IndexName: by-status, IndexKey: status"},
		{"index key type by update", "UpdateItem", `{"TableName":"orders","Key":{"cust":{"S":"c"},"id":{"N":"1"}},"UpdateExpression":"SET amount = :a","ExpressionAttributeValues":{":a":{"S":"x"}}}`, "ValidationException",
			"One or more parameter values were invalid: Type mismatch for Index Key amount Expected: N Actual: S IndexName: by-status"},
		{"index key type in batch", "BatchWriteItem", `{"RequestItems":{"orders":[{"PutRequest":{"Item":{"cust":{"S":"c"},"id":{"N":"1"},"status":{"N":"1"}}}}]}}`, "ValidationException",
			"One or more parameter values were invalid: Type mismatch for Index Key status Expected: S Actual: N IndexName: by-status"},
		{"two online index changes", "UpdateTable", `{"TableName":"orders","GlobalSecondaryIndexUpdates":[{"Delete":{"IndexName":"by-status"}},{"Delete":{"IndexName":"by-status"}}]}`, "LimitExceededException",
			"Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table"},
		{"delete unknown index", "UpdateTable", `{"TableName":"orders","GlobalSecondaryIndexUpdates":[{"Delete":{"IndexName":"nope"}}]}`, "ResourceNotFoundException", "Requested resource not found: Index: nope not found"},
		{"create index undefined key", "UpdateTable", `{"TableName":"orders","GlobalSecondaryIndexUpdates":[{"Create":{"IndexName":"gsi2","KeySchema":[{"AttributeName":"zz","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"}}}]}`, "ValidationException",
			"One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [zz], AttributeDefinitions: []"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h.t = t
			h.fails(h.admin, c.op, c.body, c.code, c.msg)
		})
	}
	if out := h.must("Scan", `{"TableName":"orders"}`); out["Count"] != float64(0) {
		t.Fatalf("a refused write wrote: %v", out)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
