package dynamodb

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

const usersTable = `{"TableName":"users","KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],
	"AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"%s}`

const eventsTable = `{"TableName":"events","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],
	"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"}],
	"ProvisionedThroughput":{"ReadCapacityUnits":5,"WriteCapacityUnits":5}}`

func sse(keyID string) string {
	if keyID == "" {
		return `,"SSESpecification":{"Enabled":true,"SSEType":"KMS"}`
	}
	return `,"SSESpecification":{"Enabled":true,"SSEType":"KMS","KMSMasterKeyId":"` + keyID + `"}`
}

func get(m map[string]any, path ...string) any {
	var v any = m
	for _, p := range path {
		mm, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = mm[p]
	}
	return v
}

func TestOwnedKeyTable(t *testing.T) {
	h := newHarness(t, Options{})
	out := h.must("CreateTable", fmt.Sprintf(usersTable, ""))
	if s := get(out, "TableDescription", "TableStatus"); s != "CREATING" {
		t.Fatalf("CreateTable status %v, AWS always answers CREATING", s)
	}
	if s := get(h.must("DescribeTable", `{"TableName":"users"}`), "Table", "TableStatus"); s != "ACTIVE" {
		t.Fatalf("DescribeTable status %v", s)
	}
	if d := get(out, "TableDescription", "SSEDescription"); d != nil {
		t.Fatalf("owned key table has SSEDescription %v", d)
	}
	if arn := get(out, "TableDescription", "TableArn"); arn != "arn:aws:dynamodb:us-east-1:111122223333:table/users" {
		t.Fatalf("arn %v", arn)
	}
	h.must("PutItem", `{"TableName":"users","Item":{"id":{"S":"u1"},"name":{"S":"Alice"}}}`)
	got := h.must("GetItem", `{"TableName":"users","Key":{"id":{"S":"u1"}}}`)
	if n := get(got, "Item", "name", "S"); n != "Alice" {
		t.Fatalf("GetItem name %v (%v)", n, got)
	}
	// Owned-key tables never ask KMS, whoever calls.
	if _, err := h.call(h.user, "GetItem", `{"TableName":"users","Key":{"id":{"S":"u1"}}}`); err != nil {
		t.Fatalf("user GetItem on owned-key table: %v", err)
	}
	if n := len(h.kms.calls); n != 0 {
		t.Fatalf("owned-key table made %d KMS calls: %v", n, h.kms.calls)
	}
	d := h.must("DescribeTable", `{"TableName":"users"}`)
	if c := get(d, "Table", "ItemCount"); c != float64(1) {
		t.Fatalf("ItemCount %v", c)
	}
}

func TestCustomerManagedKeyTable(t *testing.T) {
	h := newHarness(t, Options{})
	key := h.kms.addKey("alias/lab", h.admin.ARN)
	for _, ref := range []string{"alias/lab", key.arn, key.id, "arn:aws:kms:us-east-1:111122223333:alias/lab"} {
		t.Run(ref, func(t *testing.T) {
			h.must("CreateTable", fmt.Sprintf(usersTable, sse(ref)))
			d := h.must("DescribeTable", `{"TableName":"users"}`)
			want := map[string]any{"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": key.arn}
			if got := get(d, "Table", "SSEDescription"); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("SSEDescription %v, want %v", got, want)
			}
			h.must("DeleteTable", `{"TableName":"users"}`)
		})
	}
	if h.kms.count("DescribeKey") != 4 || h.kms.count("CreateGrant") != 4 || h.kms.count("GenerateDataKey") != 4 {
		t.Fatalf("KMS calls on create: %v", h.kms.calls)
	}
	if g := h.kms.grants[0]; !strings.Contains(g, "dynamodb.us-east-1.amazonaws.com") || !strings.Contains(g, "Decrypt") {
		t.Fatalf("grant %q", g)
	}
}

func TestManagedKeyTable(t *testing.T) {
	h := newHarness(t, Options{})
	out := h.must("CreateTable", fmt.Sprintf(usersTable, sse("")))
	arn, _ := get(out, "TableDescription", "SSEDescription", "KMSMasterKeyArn").(string)
	if k := h.kms.resolve("alias/aws/dynamodb"); k == nil || k.arn != arn {
		t.Fatalf("managed key arn %q", arn)
	}
	h.must("PutItem", `{"TableName":"users","Item":{"id":{"S":"u1"}}}`)
}

var deniedRE = regexp.MustCompile(`^KMS key access denied error: com\.amazonaws\.services\.kms\.model\.AWSKMSException: User: arn:aws:iam::111122223333:user/learner is not authorized to perform: kms:Decrypt on resource: (\S+) because no identity-based policy allows the kms:Decrypt action \(Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException; Request ID: [0-9a-f-]{36}; Proxy: null\)$`)

func TestCallerMustDecryptTableKey(t *testing.T) {
	h := newHarness(t, Options{})
	key := h.kms.addKey("alias/lab", h.admin.ARN)
	h.must("CreateTable", fmt.Sprintf(usersTable, sse("alias/lab")))
	h.must("PutItem", `{"TableName":"users","Item":{"id":{"S":"u1"}}}`)
	for _, c := range []struct{ op, body string }{
		{"Scan", `{"TableName":"users"}`},
		{"GetItem", `{"TableName":"users","Key":{"id":{"S":"u1"}}}`},
		{"PutItem", `{"TableName":"users","Item":{"id":{"S":"u2"}}}`},
		{"Query", `{"TableName":"users","KeyConditionExpression":"id = :v","ExpressionAttributeValues":{":v":{"S":"u1"}}}`},
		{"UpdateItem", `{"TableName":"users","Key":{"id":{"S":"u1"}},"UpdateExpression":"SET a = :v","ExpressionAttributeValues":{":v":{"S":"x"}}}`},
		{"DeleteItem", `{"TableName":"users","Key":{"id":{"S":"u1"}}}`},
		{"BatchGetItem", `{"RequestItems":{"users":{"Keys":[{"id":{"S":"u1"}}]}}}`},
		{"BatchWriteItem", `{"RequestItems":{"users":[{"PutRequest":{"Item":{"id":{"S":"u3"}}}}]}}`},
	} {
		err := h.fails(h.user, c.op, c.body, "AccessDeniedException", "")
		m := deniedRE.FindStringSubmatch(err.Message)
		if m == nil || m[1] != key.arn {
			t.Fatalf("%s denial message:\n%s", c.op, err.Message)
		}
	}
	if _, err := h.call(h.user, "DescribeTable", `{"TableName":"users"}`); err != nil {
		t.Fatalf("DescribeTable needs no KMS permission: %v", err)
	}
	h.kms.allow(key, h.user.ARN)
	out, err := h.call(h.user, "Scan", `{"TableName":"users"}`)
	if err != nil || get(out, "Count") != float64(1) {
		t.Fatalf("after key policy edit: %v %v", out, err)
	}
}

func TestKeyCache(t *testing.T) {
	h := newHarness(t, Options{KeyCacheTTL: 5 * time.Minute})
	key := h.kms.addKey("alias/lab", h.admin.ARN)
	h.must("CreateTable", fmt.Sprintf(usersTable, sse("alias/lab")))
	scan := `{"TableName":"users"}`
	h.must("Scan", scan)
	h.must("Scan", scan)
	if n := h.kms.count("Decrypt"); n != 1 {
		t.Fatalf("cached key: %d Decrypt calls, want 1", n)
	}
	// A denial is never cached: once allowed, the next call works.
	h.fails(h.user, "Scan", scan, "AccessDeniedException", "")
	h.fails(h.user, "Scan", scan, "AccessDeniedException", "")
	h.kms.allow(key, h.user.ARN)
	if _, err := h.call(h.user, "Scan", scan); err != nil {
		t.Fatalf("user after allow: %v", err)
	}
	// Pending deletion: the admin's cached key still serves while it is in use; the cache
	// lapses only after five minutes of inactivity (DynamoDB's documented rule), so reads
	// every four minutes keep it, and the first read after a five-minute pause asks KMS.
	h.kms.setState(key, "PendingDeletion")
	for range 3 {
		h.advance(4 * time.Minute)
		h.must("Scan", scan)
	}
	h.advance(5 * time.Minute)
	err := h.fails(h.admin, "Scan", scan, "ValidationException", "")
	want := "KMS key access denied error: com.amazonaws.services.kms.model.KMSInvalidStateException: " + key.arn + " is pending deletion. (Service: AWSKMS; Status Code: 400; Error Code: KMSInvalidStateException; Request ID: "
	if !strings.HasPrefix(err.Message, want) {
		t.Fatalf("pending deletion message:\n%s\nwant prefix\n%s", err.Message, want)
	}
}

func TestNoCacheAsksEveryTime(t *testing.T) {
	h := newHarness(t, Options{})
	h.kms.addKey("alias/lab", h.admin.ARN)
	h.must("CreateTable", fmt.Sprintf(usersTable, sse("alias/lab")))
	for range 3 {
		h.must("GetItem", `{"TableName":"users","Key":{"id":{"S":"x"}}}`)
	}
	if n := h.kms.count("Decrypt"); n != 3 {
		t.Fatalf("%d Decrypt calls, want 3", n)
	}
}

func TestCreateWithUnusableKey(t *testing.T) {
	h := newHarness(t, Options{})
	disabled := h.kms.addKey("alias/off", h.admin.ARN)
	h.kms.setState(disabled, "Disabled")
	pending := h.kms.addKey("alias/gone", h.admin.ARN)
	h.kms.setState(pending, "PendingDeletion")
	cases := []struct{ ref, prefix string }{
		{"alias/off", "KMS validation error: com.amazonaws.services.kms.model.DisabledException: " + disabled.arn + " is disabled. (Service: AWSKMS; Status Code: 400; Error Code: DisabledException; Request ID: "},
		{"alias/gone", "KMS validation error: com.amazonaws.services.kms.model.KMSInvalidStateException: " + pending.arn + " is pending deletion. (Service: AWSKMS; Status Code: 400; Error Code: KMSInvalidStateException; Request ID: "},
		{"alias/nope", "KMS validation error: com.amazonaws.services.kms.model.NotFoundException: Key 'alias/nope' does not exist (Service: AWSKMS; Status Code: 400; Error Code: NotFoundException; Request ID: "},
	}
	for _, c := range cases {
		err := h.fails(h.admin, "CreateTable", fmt.Sprintf(usersTable, sse(c.ref)), "ValidationException", "")
		if !strings.HasPrefix(err.Message, c.prefix) {
			t.Errorf("%s:\n got %s\nwant %s...", c.ref, err.Message, c.prefix)
		}
	}
	h.fails(h.admin, "DescribeTable", `{"TableName":"users"}`, "ResourceNotFoundException", "Requested resource not found: Table: users not found")
}

func TestErrorTexts(t *testing.T) {
	h := newHarness(t, Options{})
	h.must("CreateTable", fmt.Sprintf(usersTable, ""))
	h.must("CreateTable", eventsTable)
	big := strings.Repeat("x", 400*1024)
	puts := func(n int) string {
		reqs := make([]string, n)
		for i := range reqs {
			reqs[i] = fmt.Sprintf(`{"PutRequest":{"Item":{"id":{"S":"k%d"}}}}`, i)
		}
		return "[" + strings.Join(reqs, ",") + "]"
	}
	keys := func(n int) string {
		ks := make([]string, n)
		for i := range ks {
			ks[i] = fmt.Sprintf(`{"id":{"S":"k%d"}}`, i)
		}
		return `{"Keys":[` + strings.Join(ks, ",") + "]}"
	}
	cases := []struct{ name, op, body, code, msg string }{
		{"missing key", "PutItem", `{"TableName":"users","Item":{"name":{"S":"a"}}}`, "ValidationException", "One or more parameter values were invalid: Missing the key id in the item"},
		{"wrong key type", "PutItem", `{"TableName":"users","Item":{"id":{"N":"1"}}}`, "ValidationException", "One or more parameter values were invalid: Type mismatch for key id expected: S actual: N"},
		{"key schema", "GetItem", `{"TableName":"users","Key":{"nope":{"S":"a"}}}`, "ValidationException", "The provided key element does not match the schema"},
		{"key type on get", "GetItem", `{"TableName":"users","Key":{"id":{"N":"1"}}}`, "ValidationException", "The provided key element does not match the schema"},
		{"extra key attr", "GetItem", `{"TableName":"events","Key":{"pk":{"S":"a"},"sk":{"N":"1"},"x":{"S":"b"}}}`, "ValidationException", "The provided key element does not match the schema"},
		{"partial key", "DeleteItem", `{"TableName":"events","Key":{"pk":{"S":"a"}}}`, "ValidationException", "The provided key element does not match the schema"},
		{"too large", "PutItem", `{"TableName":"users","Item":{"id":{"S":"a"},"blob":{"S":"` + big + `"}}}`, "ValidationException", "Item size has exceeded the maximum allowed size"},
		{"no table data", "GetItem", `{"TableName":"nope","Key":{"id":{"S":"a"}}}`, "ResourceNotFoundException", "Requested resource not found"},
		{"no table scan", "Scan", `{"TableName":"nope"}`, "ResourceNotFoundException", "Requested resource not found"},
		{"no table describe", "DescribeTable", `{"TableName":"nope"}`, "ResourceNotFoundException", "Requested resource not found: Table: nope not found"},
		{"exists", "CreateTable", fmt.Sprintf(usersTable, ""), "ResourceInUseException", "Table already exists: users"},
		{"empty key", "PutItem", `{"TableName":"users","Item":{"id":{"S":""}}}`, "ValidationException", "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: id"},
		{"no table name", "Scan", `{}`, "ValidationException", "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null"},
		{"short table name", "CreateTable", `{"TableName":"ab","KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}]}`, "ValidationException", "1 validation error detected: Value 'ab' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3"},
		{"undefined attr", "CreateTable", `{"TableName":"abc","KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"x","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}`, "ValidationException", "One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [id], AttributeDefinitions: [x]"},
		{"no throughput", "CreateTable", `{"TableName":"abc","KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}]}`, "ValidationException", "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED"},
		{"unused value", "GetItem", `{"TableName":"users","Key":{"id":{"S":"a"}},"ProjectionExpression":"id","ExpressionAttributeValues":{":x":{"S":"a"}}}`, "ValidationException", "Value provided in ExpressionAttributeValues unused in expressions: keys: {:x}"},
		{"values without expressions", "GetItem", `{"TableName":"users","Key":{"id":{"S":"a"}},"ExpressionAttributeValues":{":x":{"S":"a"}}}`, "ValidationException", "ExpressionAttributeValues can only be specified when using expressions"},
		{"update key", "UpdateItem", `{"TableName":"users","Key":{"id":{"S":"a"}},"UpdateExpression":"SET id = :v","ExpressionAttributeValues":{":v":{"S":"b"}}}`, "ValidationException", "One or more parameter values were invalid: Cannot update attribute id. This attribute is part of the key"},
		{"bad return values", "PutItem", `{"TableName":"users","Item":{"id":{"S":"a"}},"ReturnValues":"ALL_NEW"}`, "ValidationException", "Return values set to invalid value"},
		{"null item", "PutItem", `{"TableName":"users"}`, "ValidationException", "1 validation error detected: Value null at 'item' failed to satisfy constraint: Member must not be null"},
		{"null key", "DeleteItem", `{"TableName":"users"}`, "ValidationException", "1 validation error detected: Value null at 'key' failed to satisfy constraint: Member must not be null"},
		{"two request errors", "GetItem", `{"TableName":"ab"}`, "ValidationException", "2 validation errors detected: Value 'ab' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3; Value null at 'key' failed to satisfy constraint: Member must not be null"},
		{"return values not an enum", "UpdateItem", `{"TableName":"nope","Key":{"id":{"S":"a"}},"ReturnValues":"SOME"}`, "ValidationException", "1 validation error detected: Value 'SOME' at 'returnValues' failed to satisfy constraint: Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]"},
		{"return values before legacy", "DeleteItem", `{"TableName":"users","Key":{"id":{"S":"a"}},"ReturnValues":"ALL_NEW","Expected":{}}`, "ValidationException", "Return values set to invalid value"},
		{"legacy before table", "UpdateItem", `{"TableName":"nope","Key":{"id":{"S":"a"}},"AttributeUpdates":{}}`, "ValidationException", "kmslab: the legacy parameter AttributeUpdates is not supported by the offline DynamoDB; use the expression parameters instead"},
		{"key before expressions", "GetItem", `{"TableName":"users","Key":{"id":{"N":"1"}},"ProjectionExpression":"#x"}`, "ValidationException", "The provided key element does not match the schema"},
		{"size before condition", "PutItem", `{"TableName":"users","Item":{"id":{"S":"a"},"blob":{"S":"` + big + `"}},"ConditionExpression":"#x"}`, "ValidationException", "Item size has exceeded the maximum allowed size"},
		{"bad json", "PutItem", `{"TableName":`, "SerializationException", ""},
		{"wrong json type", "Scan", `{"TableName":"users","Limit":"x"}`, "SerializationException", ""},
		{"empty attribute value", "PutItem", `{"TableName":"users","Item":{"id":{"S":"a"},"x":{}}}`, "ValidationException", "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"},
		{"query without key condition", "Query", `{"TableName":"events"}`, "ValidationException", "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request."},
		{"count with projection", "Scan", `{"TableName":"users","Select":"COUNT","ProjectionExpression":"id"}`, "ValidationException", "Cannot specify the ProjectionExpression when choosing to get only the Count"},
		{"batch get null items", "BatchGetItem", `{}`, "ValidationException", "1 validation error detected: Value null at 'requestItems' failed to satisfy constraint: Member must not be null"},
		{"batch write empty items", "BatchWriteItem", `{"RequestItems":{}}`, "ValidationException", "1 validation error detected: Value '{}' at 'requestItems' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"batch get errors per table in order", "BatchGetItem", `{"RequestItems":{"ab":{"Keys":[]},"users":{"Keys":[]}},"ReturnConsumedCapacity":"ALL"}`, "ValidationException", "4 validation errors detected: Value 'ab' at 'requestItems' failed to satisfy constraint: Member must have length greater than or equal to 3; Value '[]' at 'requestItems.ab.member.keys' failed to satisfy constraint: Member must have length greater than or equal to 1; Value '[]' at 'requestItems.users.member.keys' failed to satisfy constraint: Member must have length greater than or equal to 1; Value 'ALL' at 'returnConsumedCapacity' failed to satisfy constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]"},
		{"batch get too many", "BatchGetItem", `{"RequestItems":{"users":` + keys(60) + `,"events":` + keys(41) + `}}`, "ValidationException", "Too many items requested for the BatchGetItem call"},
		{"batch write table over 25", "BatchWriteItem", `{"RequestItems":{"users":` + puts(26) + `}}`, "ValidationException", "1 validation error detected: Value at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]"},
		{"batch write too many", "BatchWriteItem", `{"RequestItems":{"users":` + puts(13) + `,"nope":` + puts(13) + `}}`, "ValidationException", "Too many items requested for the BatchWriteItem call"},
		{"batch get duplicates", "BatchGetItem", `{"RequestItems":{"users":{"Keys":[{"id":{"S":"a"}},{"id":{"S":"a"}}]}}}`, "ValidationException", "Provided list of item keys contains duplicates"},
		{"batch duplicates", "BatchWriteItem", `{"RequestItems":{"users":[{"PutRequest":{"Item":{"id":{"S":"a"}}}},{"DeleteRequest":{"Key":{"id":{"S":"a"}}}}]}}`, "ValidationException", "Provided list of item keys contains duplicates"},
		{"tag unknown table", "ListTagsOfResource", `{"ResourceArn":"arn:aws:dynamodb:us-east-1:111122223333:table/nope"}`, "ResourceNotFoundException", "Requested resource not found: ResourcArn: arn:aws:dynamodb:us-east-1:111122223333:table/nope not found"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h.t = t
			h.fails(h.admin, c.op, c.body, c.code, c.msg)
		})
	}
}

func TestConditionsAndReturnValues(t *testing.T) {
	h := newHarness(t, Options{})
	h.must("CreateTable", fmt.Sprintf(usersTable, ""))
	put := `{"TableName":"users","Item":{"id":{"S":"u1"},"n":{"N":"1"}},"ConditionExpression":"attribute_not_exists(id)"}`
	h.must("PutItem", put)
	h.fails(h.admin, "PutItem", put, "ConditionalCheckFailedException", "The conditional request failed")
	out := h.must("PutItem", `{"TableName":"users","Item":{"id":{"S":"u1"},"n":{"N":"2"}},"ReturnValues":"ALL_OLD","ConditionExpression":"n = :one","ExpressionAttributeValues":{":one":{"N":"1"}}}`)
	if get(out, "Attributes", "n", "N") != "1" {
		t.Fatalf("ALL_OLD %v", out)
	}
	out = h.must("UpdateItem", `{"TableName":"users","Key":{"id":{"S":"u1"}},"UpdateExpression":"SET #t = :t ADD n :inc, tags :s REMOVE gone","ExpressionAttributeNames":{"#t":"title"},"ExpressionAttributeValues":{":t":{"S":"hi"},":inc":{"N":"5"},":s":{"SS":["a","b"]}},"ReturnValues":"UPDATED_NEW"}`)
	if get(out, "Attributes", "n", "N") != "7" || get(out, "Attributes", "title", "S") != "hi" || get(out, "Attributes", "id") != nil {
		t.Fatalf("UPDATED_NEW %v", out)
	}
	out = h.must("UpdateItem", `{"TableName":"users","Key":{"id":{"S":"u1"}},"UpdateExpression":"REMOVE title","ReturnValues":"ALL_NEW"}`)
	if get(out, "Attributes", "title") != nil || get(out, "Attributes", "n", "N") != "7" {
		t.Fatalf("ALL_NEW %v", out)
	}
	// UpdateItem on a new key creates the item with its key.
	out = h.must("UpdateItem", `{"TableName":"users","Key":{"id":{"S":"u9"}},"UpdateExpression":"SET a = :a","ExpressionAttributeValues":{":a":{"BOOL":true}},"ReturnValues":"ALL_NEW"}`)
	if get(out, "Attributes", "id", "S") != "u9" {
		t.Fatalf("upsert %v", out)
	}
	h.fails(h.admin, "DeleteItem", `{"TableName":"users","Key":{"id":{"S":"u9"}},"ConditionExpression":"a = :f","ExpressionAttributeValues":{":f":{"BOOL":false}}}`, "ConditionalCheckFailedException", "The conditional request failed")
	out = h.must("DeleteItem", `{"TableName":"users","Key":{"id":{"S":"u9"}},"ReturnValues":"ALL_OLD"}`)
	if get(out, "Attributes", "a", "BOOL") != true {
		t.Fatalf("delete ALL_OLD %v", out)
	}
	got := h.must("GetItem", `{"TableName":"users","Key":{"id":{"S":"u9"}}}`)
	if _, ok := got["Item"]; ok {
		t.Fatalf("deleted item still there: %v", got)
	}
	got = h.must("GetItem", `{"TableName":"users","Key":{"id":{"S":"u1"}},"ProjectionExpression":"tags, #n","ExpressionAttributeNames":{"#n":"n"},"ConsistentRead":true}`)
	if len(got["Item"].(map[string]any)) != 2 {
		t.Fatalf("projection %v", got)
	}
}

// putEvents fills events with partitions p0..p(parts-1), each holding sort keys 0..per-1.
func putEvents(h *harness, parts, per int) {
	for p := range parts {
		for s := 0; s < per; s += 25 {
			var reqs []string
			for i := s; i < min(per, s+25); i++ {
				reqs = append(reqs, fmt.Sprintf(`{"PutRequest":{"Item":{"pk":{"S":"p%d"},"sk":{"N":"%d"},"v":{"S":"value-%d-%d"}}}}`, p, i, p, i))
			}
			h.must("BatchWriteItem", `{"RequestItems":{"events":[`+strings.Join(reqs, ",")+`]}}`)
		}
	}
}

func sortKeys(out map[string]any) []string {
	var ks []string
	for _, it := range out["Items"].([]any) {
		ks = append(ks, get(it.(map[string]any), "sk", "N").(string))
	}
	return ks
}

func TestQuery(t *testing.T) {
	h := newHarness(t, Options{})
	h.must("CreateTable", eventsTable)
	putEvents(h, 3, 12)
	q := func(cond, values, extra string) (map[string]any, error) {
		out, err := h.call(h.admin, "Query", `{"TableName":"events","KeyConditionExpression":"pk = :p`+cond+`","ExpressionAttributeValues":{":p":{"S":"p1"}`+values+`}`+extra+`}`)
		if err != nil {
			return nil, err
		}
		return out, nil
	}
	a, b := `,":a":{"N":"3"}`, `,":b":{"N":"7"}`
	cases := []struct {
		cond, values, extra, want string
	}{
		{" AND sk BETWEEN :a AND :b", a + b, "", "3 4 5 6 7"},
		{" AND sk > :b", a + b, `,"ExpressionAttributeNames":{"#x":"v"},"FilterExpression":"attribute_exists(#x) AND sk <> :a"`, "8 9 10 11"},
		{" AND sk < :a", a, "", "0 1 2"},
		{" AND sk = :a", a, "", "3"},
		{" AND sk <= :a", a, `,"ScanIndexForward":false`, "3 2 1 0"},
		{" AND sk >= :b AND sk >= :a", a + b, "", "error"},
		{" AND begins_with(sk, :a)", a, "", "error"}, // begins_with needs a string or binary sort key
		{" OR sk < :a", a, "", "error"},
	}
	for _, c := range cases {
		out, err := q(c.cond, c.values, c.extra)
		got := "error"
		if err == nil {
			got = strings.Join(sortKeys(out), " ")
		}
		if got != c.want {
			t.Errorf("%s %s: got %s want %s (%v)", c.cond, c.extra, got, c.want, err)
		}
	}
	// Paging with Limit walks the partition in order, once.
	var all []string
	start := ""
	for pages := 0; ; pages++ {
		if pages > 20 {
			t.Fatal("paging does not end")
		}
		out := h.must("Query", `{"TableName":"events","Limit":5,"KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"p2"}}`+start+`}`)
		all = append(all, sortKeys(out)...)
		lek, ok := out["LastEvaluatedKey"]
		if !ok {
			break
		}
		b, _ := json.Marshal(lek)
		start = `,"ExclusiveStartKey":` + string(b)
	}
	if got := strings.Join(all, " "); got != "0 1 2 3 4 5 6 7 8 9 10 11" {
		t.Fatalf("paged query %s", got)
	}
	out := h.must("Query", `{"TableName":"events","Select":"COUNT","KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"p0"}}}`)
	if out["Count"] != float64(12) || out["Items"] != nil {
		t.Fatalf("COUNT %v", out)
	}
}

func scanAll(t *testing.T, h *harness, body string) ([]string, int) {
	t.Helper()
	var keys []string
	pages := 0
	start := ""
	for {
		pages++
		if pages > 10000 {
			t.Fatal("scan does not end")
		}
		out := h.must("Scan", body[:len(body)-1]+start+"}")
		for _, it := range out["Items"].([]any) {
			m := it.(map[string]any)
			keys = append(keys, fmt.Sprint(get(m, "pk", "S"), "/", get(m, "sk", "N")))
		}
		lek, ok := out["LastEvaluatedKey"]
		if !ok {
			return keys, pages
		}
		b, _ := json.Marshal(lek)
		start = `,"ExclusiveStartKey":` + string(b)
	}
}

func TestScanPagingAndSegments(t *testing.T) {
	h := newHarness(t, Options{})
	h.must("CreateTable", eventsTable)
	putEvents(h, 40, 25) // 1000 items
	full, pages := scanAll(t, h, `{"TableName":"events"}`)
	if len(full) != 1000 || pages != 1 {
		t.Fatalf("full scan: %d items in %d pages", len(full), pages)
	}
	paged, pages := scanAll(t, h, `{"TableName":"events","Limit":7}`)
	if strings.Join(paged, ",") != strings.Join(full, ",") || pages != 143 {
		t.Fatalf("paged scan differs from full scan (%d items, %d pages)", len(paged), pages)
	}
	seen := map[string]bool{}
	for _, k := range full {
		if seen[k] {
			t.Fatalf("duplicate %s", k)
		}
		seen[k] = true
	}
	var union []string
	for seg := range 4 {
		keys, _ := scanAll(t, h, fmt.Sprintf(`{"TableName":"events","Segment":%d,"TotalSegments":4,"Limit":50}`, seg))
		union = append(union, keys...)
	}
	sort.Strings(union)
	sorted := append([]string(nil), full...)
	sort.Strings(sorted)
	if strings.Join(union, ",") != strings.Join(sorted, ",") {
		t.Fatalf("segments cover %d items, want the same 1000", len(union))
	}
	out := h.must("Scan", `{"TableName":"events","Limit":100,"FilterExpression":"sk < :n","ExpressionAttributeValues":{":n":{"N":"5"}}}`)
	if out["ScannedCount"] != float64(100) || out["Count"] != float64(20) {
		t.Fatalf("filter counts %v %v", out["ScannedCount"], out["Count"])
	}
}

// TestPageBoundaries pins when a page carries LastEvaluatedKey: only if items remain after
// it, so a page that ends exactly at the last item is the last page.
func TestPageBoundaries(t *testing.T) {
	h := newHarness(t, Options{})
	h.must("CreateTable", eventsTable)
	putEvents(h, 2, 12)
	query := `{"TableName":"events","KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"p1"}}`
	cases := []struct {
		op, body string
		pages    int
	}{
		{"Query", query + `,"Limit":12}`, 1},
		{"Query", query + `,"Limit":11}`, 2},
		{"Query", query + `,"Limit":4}`, 3},
		{"Query", query + `,"Limit":4,"ScanIndexForward":false,"Select":"COUNT"}`, 3},
		{"Scan", `{"TableName":"events","Limit":24}`, 1},
		{"Scan", `{"TableName":"events","Limit":8}`, 3},
		{"Scan", `{"TableName":"events","Limit":5}`, 5},
	}
	for _, c := range cases {
		start, pages, items := "", 0, 0
		for {
			pages++
			if pages > 30 {
				t.Fatalf("%s %s: paging does not end", c.op, c.body)
			}
			out := h.must(c.op, c.body[:len(c.body)-1]+start+"}")
			items += int(out["Count"].(float64))
			lek, ok := out["LastEvaluatedKey"]
			if !ok {
				break
			}
			b, _ := json.Marshal(lek)
			start = `,"ExclusiveStartKey":` + string(b)
		}
		want := 12
		if c.op == "Scan" {
			want = 24
		}
		if pages != c.pages || items != want {
			t.Errorf("%s %s: %d items in %d pages, want %d in %d", c.op, c.body, items, pages, want, c.pages)
		}
	}
	bad := []struct{ op, body string }{
		{"Query", query + `,"ExclusiveStartKey":{"pk":{"S":"p0"},"sk":{"N":"1"}}}`},
		{"Query", query + `,"ExclusiveStartKey":{"pk":{"S":"p1"}}}`},
		{"Scan", `{"TableName":"events","ExclusiveStartKey":{"pk":{"S":"p1"},"sk":{"S":"1"}}}`},
	}
	for _, c := range bad {
		h.fails(h.admin, c.op, c.body, "ValidationException", "The provided starting key is invalid: The provided key element does not match the schema")
	}
}

func TestScanIsFast(t *testing.T) {
	h := newHarness(t, Options{})
	h.must("CreateTable", fmt.Sprintf(usersTable, ""))
	for i := range 40 {
		var reqs []string
		for j := range 25 {
			reqs = append(reqs, fmt.Sprintf(`{"PutRequest":{"Item":{"id":{"S":"u%d-%d"},"n":{"N":"%d"}}}}`, i, j, j))
		}
		h.must("BatchWriteItem", `{"RequestItems":{"users":[`+strings.Join(reqs, ",")+`]}}`)
	}
	start := time.Now()
	keys, pages := scanAll(t, h, `{"TableName":"users","Limit":10}`)
	if len(keys) != 1000 || pages != 100 {
		t.Fatalf("%d items in %d pages", len(keys), pages)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("paging through 1000 items took %v", d)
	}
}

func TestBatchGet(t *testing.T) {
	h := newHarness(t, Options{})
	h.must("CreateTable", fmt.Sprintf(usersTable, ""))
	h.must("CreateTable", eventsTable)
	h.must("BatchWriteItem", `{"RequestItems":{"users":[{"PutRequest":{"Item":{"id":{"S":"a"},"x":{"N":"1"}}}},{"PutRequest":{"Item":{"id":{"S":"b"}}}}],
		"events":[{"PutRequest":{"Item":{"pk":{"S":"a"},"sk":{"N":"1"}}}}]}}`)
	out := h.must("BatchGetItem", `{"RequestItems":{"users":{"Keys":[{"id":{"S":"a"}},{"id":{"S":"zz"}}],"ProjectionExpression":"x"},"events":{"Keys":[{"pk":{"S":"a"},"sk":{"N":"1"}}]}}}`)
	users := get(out, "Responses", "users").([]any)
	events := get(out, "Responses", "events").([]any)
	if len(users) != 1 || len(events) != 1 || get(users[0].(map[string]any), "x", "N") != "1" || get(users[0].(map[string]any), "id") != nil {
		t.Fatalf("BatchGetItem %v", out)
	}
	h.must("BatchWriteItem", `{"RequestItems":{"users":[{"DeleteRequest":{"Key":{"id":{"S":"a"}}}}]}}`)
	d := h.must("DescribeTable", `{"TableName":"users"}`)
	if get(d, "Table", "ItemCount") != float64(1) {
		t.Fatalf("ItemCount after delete %v", get(d, "Table", "ItemCount"))
	}
}

func TestUpdateTableSwitchesKey(t *testing.T) {
	h := newHarness(t, Options{KeyCacheTTL: time.Minute})
	h.kms.addKey("alias/one", h.admin.ARN)
	two := h.kms.addKey("alias/two", h.admin.ARN)
	h.must("CreateTable", fmt.Sprintf(usersTable, sse("alias/one")))
	h.must("PutItem", `{"TableName":"users","Item":{"id":{"S":"u1"},"secret":{"S":"s3cr3t"}}}`)
	h.must("Scan", `{"TableName":"users"}`)
	before, _ := h.svc.Inspect("users")
	out := h.must("UpdateTable", `{"TableName":"users","SSESpecification":{"Enabled":true,"SSEType":"KMS","KMSMasterKeyId":"alias/two"}}`)
	if get(out, "TableDescription", "SSEDescription", "KMSMasterKeyArn") != two.arn {
		t.Fatalf("UpdateTable %v", out)
	}
	after, _ := h.svc.Inspect("users")
	if bytes.Equal(before.WrappedTableKey, after.WrappedTableKey) || bytes.Equal(before.Items[0].Ciphertext, after.Items[0].Ciphertext) {
		t.Fatal("re-keying left the stored bytes unchanged")
	}
	if after.KMSKeyARN != two.arn {
		t.Fatalf("inspect key %q", after.KMSKeyARN)
	}
	got := h.must("GetItem", `{"TableName":"users","Key":{"id":{"S":"u1"}}}`)
	if get(got, "Item", "secret", "S") != "s3cr3t" {
		t.Fatalf("after re-key %v", got)
	}
	// Back to the owned key: no SSEDescription, still readable.
	out = h.must("UpdateTable", `{"TableName":"users","SSESpecification":{"Enabled":false}}`)
	if get(out, "TableDescription", "SSEDescription") != nil {
		t.Fatalf("owned key has SSEDescription: %v", out)
	}
	if _, err := h.call(h.user, "GetItem", `{"TableName":"users","Key":{"id":{"S":"u1"}}}`); err != nil {
		t.Fatalf("owned key after switch: %v", err)
	}
}

func TestInspectShowsNoPlaintext(t *testing.T) {
	h := newHarness(t, Options{})
	h.kms.addKey("alias/lab", h.admin.ARN)
	h.must("CreateTable", fmt.Sprintf(usersTable, sse("alias/lab")))
	h.must("CreateTable", fmt.Sprintf(strings.Replace(usersTable, `"users"`, `"owned"`, 1), ""))
	values := []string{"customer-4242", "Jane Q. Public", "4111111111111111", "9137"}
	for _, table := range []string{"users", "owned"} {
		h.must("PutItem", `{"TableName":"`+table+`","Item":{"id":{"S":"customer-4242"},"name":{"S":"Jane Q. Public"},"card":{"S":"4111111111111111"},"pin":{"N":"9137"},"raw":{"B":"c2VjcmV0LWJ5dGVz"}}}`)
		at, err := h.svc.Inspect(table)
		if err != nil {
			t.Fatal(err)
		}
		if len(at.Items) != 1 || len(at.WrappedTableKey) == 0 {
			t.Fatalf("%s: %d items, wrapped key %d bytes", table, len(at.Items), len(at.WrappedTableKey))
		}
		blobs := [][]byte{at.WrappedTableKey}
		for _, it := range at.Items {
			blobs = append(blobs, it.KeyHash, it.Ciphertext)
		}
		for _, b := range blobs {
			for _, v := range append(values, "secret-bytes") {
				if bytes.Contains(b, []byte(v)) {
					t.Fatalf("%s: stored bytes contain %q", table, v)
				}
			}
		}
	}
}

func TestCreationDelayAndTags(t *testing.T) {
	h := newHarness(t, Options{CreationDelay: 10 * time.Second})
	out := h.must("CreateTable", fmt.Sprintf(usersTable, `,"Tags":[{"Key":"kmslab:run","Value":"abc"}]`))
	if get(out, "TableDescription", "TableStatus") != "CREATING" {
		t.Fatalf("status %v", get(out, "TableDescription", "TableStatus"))
	}
	h.fails(h.admin, "PutItem", `{"TableName":"users","Item":{"id":{"S":"a"}}}`, "ResourceNotFoundException", "Requested resource not found")
	h.advance(11 * time.Second)
	if s := get(h.must("DescribeTable", `{"TableName":"users"}`), "Table", "TableStatus"); s != "ACTIVE" {
		t.Fatalf("status after delay %v", s)
	}
	arn := "arn:aws:dynamodb:us-east-1:111122223333:table/users"
	h.must("TagResource", `{"ResourceArn":"`+arn+`","Tags":[{"Key":"team","Value":"blue"},{"Key":"kmslab:run","Value":"def"}]}`)
	h.must("UntagResource", `{"ResourceArn":"`+arn+`","TagKeys":["team"]}`)
	tags := h.must("ListTagsOfResource", `{"ResourceArn":"`+arn+`"}`)
	if fmt.Sprint(tags["Tags"]) != "[map[Key:kmslab:run Value:def]]" {
		t.Fatalf("tags %v", tags)
	}
	lt := h.must("ListTables", `{}`)
	if fmt.Sprint(lt["TableNames"]) != "[users]" {
		t.Fatalf("ListTables %v", lt)
	}
	h.must("DeleteTable", `{"TableName":"users"}`)
	h.fails(h.admin, "DeleteTable", `{"TableName":"users"}`, "ResourceNotFoundException", "Requested resource not found: Table: users not found")
}
