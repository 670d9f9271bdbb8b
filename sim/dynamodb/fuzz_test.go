package dynamodb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"

	"kmslab/sim/api"
)

// FuzzHandlers feeds arbitrary bodies to every operation: a handler must never panic and
// must answer anything it rejects with a client error, never a server fault.
func FuzzHandlers(f *testing.F) {
	seeds := []string{
		fmt.Sprintf(usersTable, ""),
		eventsTable,
		`{"TableName":"users","Item":{"id":{"S":"u1"},"m":{"M":{"a":{"L":[{"N":"1"},{"NULL":true}]}}}}}`,
		`{"TableName":"users","Key":{"id":{"S":"u1"}},"ProjectionExpression":"m.a[0]"}`,
		`{"TableName":"users","Key":{"id":{"S":"u1"}},"UpdateExpression":"SET n = if_not_exists(n, :z) + :one","ExpressionAttributeValues":{":z":{"N":"0"},":one":{"N":"1"}}}`,
		`{"TableName":"events","KeyConditionExpression":"pk = :p AND sk BETWEEN :a AND :b","ExpressionAttributeValues":{":p":{"S":"p"},":a":{"N":"1"},":b":{"N":"9"}},"Limit":2}`,
		`{"TableName":"events","ExclusiveStartKey":{"pk":{"S":"p"},"sk":{"N":"1"}},"Segment":0,"TotalSegments":2}`,
		`{"RequestItems":{"users":[{"PutRequest":{"Item":{"id":{"S":"b"}}}}]}}`,
		`{"RequestItems":{"users":{"Keys":[{"id":{"S":"b"}}]}}}`,
		`{"TableName":"users","SSESpecification":{"Enabled":true,"KMSMasterKeyId":"alias/lab"}}`,
		`{"ResourceArn":"arn:aws:dynamodb:us-east-1:111122223333:table/users","Tags":[{"Key":"k","Value":"v"}]}`,
		`{"TableName":"users","Limit":0}`, `[]`, `null`, `{"TableName":1}`,
		fmt.Sprintf(ordersTable, ""),
		`{"TableName":"orders","IndexName":"by-status","KeyConditionExpression":"#s = :o AND amount > :a","ExpressionAttributeNames":{"#s":"status"},"ExpressionAttributeValues":{":o":{"S":"open"},":a":{"N":"1"}},"Limit":1,"ScanIndexForward":false}`,
		`{"TableName":"orders","IndexName":"by-amount","ExclusiveStartKey":{"cust":{"S":"c1"},"id":{"N":"1"},"amount":{"N":"3"}},"Select":"ALL_PROJECTED_ATTRIBUTES"}`,
		`{"TableName":"orders","AttributeDefinitions":[{"AttributeName":"total","AttributeType":"N"}],"GlobalSecondaryIndexUpdates":[{"Create":{"IndexName":"by-total","KeySchema":[{"AttributeName":"total","KeyType":"HASH"}],"Projection":{"ProjectionType":"KEYS_ONLY"}}},{"Delete":{"IndexName":"by-status"}}]}`,
		`{"ClientRequestToken":"t","TransactItems":[{"Put":{"TableName":"users","Item":{"id":{"S":"u2"}},"ConditionExpression":"attribute_not_exists(id)","ReturnValuesOnConditionCheckFailure":"ALL_OLD"}},{"Update":{"TableName":"events","Key":{"pk":{"S":"p"},"sk":{"N":"1"}},"UpdateExpression":"ADD c :one","ExpressionAttributeValues":{":one":{"N":"1"}}}},{"ConditionCheck":{"TableName":"orders","Key":{"cust":{"S":"c1"},"id":{"N":"1"}},"ConditionExpression":"attribute_exists(cust)"}},{"Delete":{"TableName":"users","Key":{"id":{"S":"u1"}}}}]}`,
		`{"TransactItems":[{"Get":{"TableName":"users","Key":{"id":{"S":"u1"}},"ProjectionExpression":"#n","ExpressionAttributeNames":{"#n":"n"}}}]}`,
	}
	h0 := newHarness(&testing.T{}, Options{})
	var ops []string
	for op := range h0.svc.Handlers() {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	for i, s := range seeds {
		f.Add(uint8(i), []byte(s))
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		h := newHarness(t, Options{KeyCacheTTL: 1})
		h.kms.addKey("alias/lab", h.admin.ARN)
		h.must("CreateTable", fmt.Sprintf(usersTable, sse("alias/lab")))
		h.must("CreateTable", eventsTable)
		h.must("PutItem", `{"TableName":"users","Item":{"id":{"S":"u1"},"n":{"N":"1"}}}`)
		h.must("PutItem", `{"TableName":"events","Item":{"pk":{"S":"p"},"sk":{"N":"1"}}}`)
		h.must("CreateTable", fmt.Sprintf(ordersTable, ""))
		h.must("PutItem", `{"TableName":"orders","Item":{"cust":{"S":"c1"},"id":{"N":"1"},"status":{"S":"open"},"amount":{"N":"3"},"total":{"N":"9"}}}`)
		op := ops[int(which)%len(ops)]
		for _, p := range []*api.Principal{h.admin, h.user} {
			ctx := api.WithRequest(context.Background(), &api.Request{ID: "r", Service: "dynamodb", Operation: op, Principal: p})
			_, err := h.svc.Handlers()[op](ctx, body)
			if err == nil {
				continue
			}
			var ae *api.Error
			if !errors.As(err, &ae) {
				t.Fatalf("%s %q: non-API error %v", op, body, err)
			}
			if ae.Status >= 500 {
				t.Fatalf("%s %q: server fault %v", op, body, ae)
			}
		}
	})
}

// FuzzTransactWriteItems sends arbitrary transactions: a transaction that is refused must
// leave every table exactly as it was (all or nothing), and none may cause a server fault.
func FuzzTransactWriteItems(f *testing.F) {
	for _, s := range []string{
		`{"TransactItems":[{"Put":{"TableName":"users","Item":{"id":{"S":"u2"}}}},{"Delete":{"TableName":"users","Key":{"id":{"S":"u1"}},"ConditionExpression":"n > :z","ExpressionAttributeValues":{":z":{"N":"5"}}}}]}`,
		`{"TransactItems":[{"Update":{"TableName":"users","Key":{"id":{"S":"u1"}},"UpdateExpression":"SET n = n + :o","ExpressionAttributeValues":{":o":{"S":"x"}}}},{"Put":{"TableName":"events","Item":{"pk":{"S":"q"},"sk":{"N":"2"}}}}]}`,
		`{"TransactItems":[{"Put":{"TableName":"orders","Item":{"cust":{"S":"c"},"id":{"N":"1"},"status":{"N":"1"}}}},{"Put":{"TableName":"users","Item":{"id":{"S":"u3"}}}}]}`,
		`{"ClientRequestToken":"a","TransactItems":[{"ConditionCheck":{"TableName":"events","Key":{"pk":{"S":"p"},"sk":{"N":"1"}},"ConditionExpression":"attribute_not_exists(pk)","ReturnValuesOnConditionCheckFailure":"ALL_OLD"}},{"Put":{"TableName":"users","Item":{"id":{"S":"u4"}}}}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		h := newHarness(t, Options{})
		h.must("CreateTable", fmt.Sprintf(usersTable, ""))
		h.must("CreateTable", eventsTable)
		h.must("CreateTable", fmt.Sprintf(ordersTable, ""))
		h.must("PutItem", `{"TableName":"users","Item":{"id":{"S":"u1"},"n":{"N":"1"}}}`)
		h.must("PutItem", `{"TableName":"events","Item":{"pk":{"S":"p"},"sk":{"N":"1"}}}`)
		snapshot := func() string {
			var parts []string
			for _, table := range []string{"users", "events", "orders"} {
				b, _ := json.Marshal(h.must("Scan", `{"TableName":"`+table+`"}`)["Items"])
				parts = append(parts, string(b))
			}
			return strings.Join(parts, "|")
		}
		before := snapshot()
		_, err := h.call(h.admin, "TransactWriteItems", string(body))
		if err == nil {
			return
		}
		if err.Status >= 500 {
			t.Fatalf("%q: server fault %v", body, err)
		}
		if after := snapshot(); after != before {
			t.Fatalf("%q: refused with %v but changed the tables:\n%s\n%s", body, err, before, after)
		}
	})
}
