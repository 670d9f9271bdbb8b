package sim_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kmslab/sim"
)

func newDDB(t *testing.T) (*sim.Server, *dynamodb.Client) {
	t.Helper()
	srv := startSim(t, sim.Options{})
	return srv, dynamodb.NewFromConfig(sdkConfig(srv, srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey))
}

func createTable(t *testing.T, ddb *dynamodb.Client, name string, rangeKey bool, sse *ddbtypes.SSESpecification) {
	t.Helper()
	in := &dynamodb.CreateTableInput{
		TableName:            aws.String(name),
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: ddbtypes.KeyTypeHash}},
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		BillingMode:          ddbtypes.BillingModePayPerRequest,
		SSESpecification:     sse,
	}
	if rangeKey {
		in.KeySchema = append(in.KeySchema, ddbtypes.KeySchemaElement{AttributeName: aws.String("sk"), KeyType: ddbtypes.KeyTypeRange})
		in.AttributeDefinitions = append(in.AttributeDefinitions, ddbtypes.AttributeDefinition{AttributeName: aws.String("sk"), AttributeType: ddbtypes.ScalarAttributeTypeN})
	}
	if _, err := ddb.CreateTable(context.Background(), in); err != nil {
		t.Fatalf("CreateTable %s: %v", name, err)
	}
}

func s(v string) ddbtypes.AttributeValue { return &ddbtypes.AttributeValueMemberS{Value: v} }
func n(v string) ddbtypes.AttributeValue { return &ddbtypes.AttributeValueMemberN{Value: v} }

func TestDynamoDBDataPlane(t *testing.T) {
	ctx := context.Background()
	_, ddb := newDDB(t)
	createTable(t, ddb, "orders", true, nil)

	full := map[string]ddbtypes.AttributeValue{
		"pk":   s("cust#1"),
		"sk":   n("1"),
		"s":    s("text"),
		"n":    n("-12.50"),
		"b":    &ddbtypes.AttributeValueMemberB{Value: []byte{0, 1, 2, 255}},
		"ss":   &ddbtypes.AttributeValueMemberSS{Value: []string{"a", "b"}},
		"ns":   &ddbtypes.AttributeValueMemberNS{Value: []string{"1", "2.5"}},
		"bs":   &ddbtypes.AttributeValueMemberBS{Value: [][]byte{{1}, {2}}},
		"m":    &ddbtypes.AttributeValueMemberM{Value: map[string]ddbtypes.AttributeValue{"deep": &ddbtypes.AttributeValueMemberL{Value: []ddbtypes.AttributeValue{n("7"), &ddbtypes.AttributeValueMemberNULL{Value: true}}}}},
		"bool": &ddbtypes.AttributeValueMemberBOOL{Value: true},
	}
	if _, err := ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("orders"), Item: full}); err != nil {
		t.Fatalf("PutItem: %v", err)
	}
	got, err := ddb.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("orders"), ConsistentRead: aws.Bool(true),
		Key: map[string]ddbtypes.AttributeValue{"pk": s("cust#1"), "sk": n("1")}})
	if err != nil {
		t.Fatalf("GetItem: %v", err)
	}
	if len(got.Item) != len(full) {
		t.Fatalf("GetItem returned %d attributes, want %d", len(got.Item), len(full))
	}
	if v := got.Item["n"].(*ddbtypes.AttributeValueMemberN).Value; v != "-12.5" {
		t.Fatalf("number came back as %q, want DynamoDB's canonical -12.5", v)
	}
	if v := got.Item["b"].(*ddbtypes.AttributeValueMemberB).Value; !bytes.Equal(v, []byte{0, 1, 2, 255}) {
		t.Fatalf("binary came back as %v", v)
	}
	deep := got.Item["m"].(*ddbtypes.AttributeValueMemberM).Value["deep"].(*ddbtypes.AttributeValueMemberL).Value
	if len(deep) != 2 || deep[0].(*ddbtypes.AttributeValueMemberN).Value != "7" {
		t.Fatalf("nested list %v", deep)
	}

	// Projection with names.
	proj, err := ddb.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("orders"),
		Key:                      map[string]ddbtypes.AttributeValue{"pk": s("cust#1"), "sk": n("1")},
		ProjectionExpression:     aws.String("#s, m.deep[0]"),
		ExpressionAttributeNames: map[string]string{"#s": "s"}})
	if err != nil || len(proj.Item) != 2 {
		t.Fatalf("projected GetItem: %v %v", proj.Item, err)
	}

	// BatchWriteItem then Query with each key condition operator.
	var reqs []ddbtypes.WriteRequest
	for i := 2; i <= 20; i++ {
		reqs = append(reqs, ddbtypes.WriteRequest{PutRequest: &ddbtypes.PutRequest{Item: map[string]ddbtypes.AttributeValue{
			"pk": s("cust#1"), "sk": n(fmt.Sprint(i)), "status": s(map[bool]string{true: "open", false: "shipped"}[i%2 == 0])}}})
	}
	if _, err := ddb.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]ddbtypes.WriteRequest{"orders": reqs}}); err != nil {
		t.Fatalf("BatchWriteItem: %v", err)
	}
	query := func(cond string, vals map[string]ddbtypes.AttributeValue, forward bool) []string {
		t.Helper()
		vals[":pk"] = s("cust#1")
		out, err := ddb.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("orders"), KeyConditionExpression: aws.String("pk = :pk" + cond),
			ExpressionAttributeValues: vals, ScanIndexForward: aws.Bool(forward)})
		if err != nil {
			t.Fatalf("Query %s: %v", cond, err)
		}
		var ks []string
		for _, it := range out.Items {
			ks = append(ks, it["sk"].(*ddbtypes.AttributeValueMemberN).Value)
		}
		return ks
	}
	for _, c := range []struct {
		cond    string
		vals    map[string]ddbtypes.AttributeValue
		forward bool
		want    string
	}{
		{" AND sk = :a", map[string]ddbtypes.AttributeValue{":a": n("5")}, true, "5"},
		{" AND sk < :a", map[string]ddbtypes.AttributeValue{":a": n("3")}, true, "1 2"},
		{" AND sk <= :a", map[string]ddbtypes.AttributeValue{":a": n("3")}, false, "3 2 1"},
		{" AND sk > :a", map[string]ddbtypes.AttributeValue{":a": n("18")}, true, "19 20"},
		{" AND sk >= :a", map[string]ddbtypes.AttributeValue{":a": n("19")}, true, "19 20"},
		{" AND sk BETWEEN :a AND :b", map[string]ddbtypes.AttributeValue{":a": n("9"), ":b": n("11")}, true, "9 10 11"},
	} {
		if got := strings.Join(query(c.cond, c.vals, c.forward), " "); got != c.want {
			t.Errorf("Query%s: got %s, want %s", c.cond, got, c.want)
		}
	}

	// Scan with a filter through the paginator, Limit 4.
	pager := dynamodb.NewScanPaginator(ddb, &dynamodb.ScanInput{TableName: aws.String("orders"), Limit: aws.Int32(4),
		FilterExpression: aws.String("#st = :open"), ExpressionAttributeNames: map[string]string{"#st": "status"},
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":open": s("open")}})
	count, scanned, pages := 0, 0, 0
	for pager.HasMorePages() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			t.Fatalf("Scan page: %v", err)
		}
		pages++
		count += int(page.Count)
		scanned += int(page.ScannedCount)
	}
	if count != 10 || scanned != 20 || pages != 5 {
		t.Fatalf("filtered scan: Count %d ScannedCount %d pages %d, want 10, 20, 5", count, scanned, pages)
	}
	cnt, err := ddb.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("orders"), Select: ddbtypes.SelectCount})
	if err != nil || cnt.Count != 20 || cnt.Items != nil {
		t.Fatalf("Select COUNT: %v %v", cnt, err)
	}

	// UpdateItem SET / ADD / REMOVE with ReturnValues.
	up, err := ddb.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("orders"),
		Key:                       map[string]ddbtypes.AttributeValue{"pk": s("cust#1"), "sk": n("2")},
		UpdateExpression:          aws.String("SET #st = :shipped, amount = if_not_exists(amount, :zero) + :amt ADD tags :t REMOVE gone"),
		ConditionExpression:       aws.String("#st = :open"),
		ExpressionAttributeNames:  map[string]string{"#st": "status"},
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":shipped": s("shipped"), ":open": s("open"), ":zero": n("0"), ":amt": n("30"), ":t": &ddbtypes.AttributeValueMemberSS{Value: []string{"gift"}}},
		ReturnValues:              ddbtypes.ReturnValueAllNew,
	})
	if err != nil {
		t.Fatalf("UpdateItem: %v", err)
	}
	if up.Attributes["amount"].(*ddbtypes.AttributeValueMemberN).Value != "30" || up.Attributes["status"].(*ddbtypes.AttributeValueMemberS).Value != "shipped" {
		t.Fatalf("UpdateItem ALL_NEW %v", up.Attributes)
	}
	// The same conditional update again fails: the status is no longer open.
	_, err = ddb.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("orders"),
		Key:                       map[string]ddbtypes.AttributeValue{"pk": s("cust#1"), "sk": n("2")},
		UpdateExpression:          aws.String("SET #st = :shipped"),
		ConditionExpression:       aws.String("#st = :open"),
		ExpressionAttributeNames:  map[string]string{"#st": "status"},
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":shipped": s("shipped"), ":open": s("open")},
	})
	var ccf *ddbtypes.ConditionalCheckFailedException
	if !errors.As(err, &ccf) || ccf.ErrorMessage() != "The conditional request failed" {
		t.Fatalf("conditional UpdateItem: %v", err)
	}

	// DeleteItem ALL_OLD, BatchGetItem.
	del, err := ddb.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("orders"),
		Key: map[string]ddbtypes.AttributeValue{"pk": s("cust#1"), "sk": n("3")}, ReturnValues: ddbtypes.ReturnValueAllOld})
	if err != nil || del.Attributes["status"] == nil {
		t.Fatalf("DeleteItem: %v %v", del, err)
	}
	bg, err := ddb.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]ddbtypes.KeysAndAttributes{"orders": {Keys: []map[string]ddbtypes.AttributeValue{
		{"pk": s("cust#1"), "sk": n("2")}, {"pk": s("cust#1"), "sk": n("3")}, {"pk": s("cust#1"), "sk": n("4")}}}}})
	if err != nil || len(bg.Responses["orders"]) != 2 || len(bg.UnprocessedKeys) != 0 {
		t.Fatalf("BatchGetItem: %v %v", bg, err)
	}
}

func TestDynamoDBErrors(t *testing.T) {
	ctx := context.Background()
	_, ddb := newDDB(t)
	createTable(t, ddb, "users", false, nil)
	table := aws.String("users")

	check := func(what string, err error, code, msg string) {
		t.Helper()
		if err == nil {
			t.Errorf("%s: succeeded, want %s", what, code)
			return
		}
		gotCode, gotMsg := awsErr(t, "call", err)
		if gotCode != code || gotMsg != msg {
			t.Errorf("%s:\n got %s: %s\nwant %s: %s", what, gotCode, gotMsg, code, msg)
		}
	}
	_, err := ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: table, Item: map[string]ddbtypes.AttributeValue{"name": s("x")}})
	check("missing key", err, "ValidationException", "One or more parameter values were invalid: Missing the key pk in the item")
	_, err = ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: table, Item: map[string]ddbtypes.AttributeValue{"pk": n("1")}})
	check("key type", err, "ValidationException", "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N")
	_, err = ddb.GetItem(ctx, &dynamodb.GetItemInput{TableName: table, Key: map[string]ddbtypes.AttributeValue{"id": s("1")}})
	check("key schema", err, "ValidationException", "The provided key element does not match the schema")
	_, err = ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: table, Item: map[string]ddbtypes.AttributeValue{"pk": s("1"), "big": s(strings.Repeat("x", 401*1024))}})
	check("item size", err, "ValidationException", "Item size has exceeded the maximum allowed size")
	_, err = ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: table, Item: map[string]ddbtypes.AttributeValue{"pk": s("1")},
		ConditionExpression: aws.String("attribute_exists(pk)")})
	check("condition", err, "ConditionalCheckFailedException", "The conditional request failed")

	_, err = ddb.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("missing")})
	var rnf *ddbtypes.ResourceNotFoundException
	if !errors.As(err, &rnf) || rnf.ErrorMessage() != "Requested resource not found" {
		t.Errorf("Scan on a missing table: %v", err)
	}
	_, err = ddb.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("missing")})
	if !errors.As(err, &rnf) || rnf.ErrorMessage() != "Requested resource not found: Table: missing not found" {
		t.Errorf("DescribeTable on a missing table: %v", err)
	}
	_, err = ddb.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: table, BillingMode: ddbtypes.BillingModePayPerRequest,
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: ddbtypes.KeyTypeHash}},
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: ddbtypes.ScalarAttributeTypeS}}})
	var riu *ddbtypes.ResourceInUseException
	if !errors.As(err, &riu) || riu.ErrorMessage() != "Table already exists: users" {
		t.Errorf("CreateTable twice: %v", err)
	}
	_, err = ddb.Query(ctx, &dynamodb.QueryInput{TableName: table, KeyConditionExpression: aws.String("pk = :v")})
	check("undefined value", err, "ValidationException", "Invalid KeyConditionExpression: An expression attribute value used in expression is not defined; attribute value: :v")
}

func TestDynamoDBControlPlane(t *testing.T) {
	ctx := context.Background()
	srv, ddb := newDDB(t)
	for _, name := range []string{"t-a", "t-b", "t-c"} {
		createTable(t, ddb, name, false, nil)
	}
	var names []string
	pager := dynamodb.NewListTablesPaginator(ddb, &dynamodb.ListTablesInput{Limit: aws.Int32(2)})
	for pager.HasMorePages() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			t.Fatalf("ListTables: %v", err)
		}
		names = append(names, page.TableNames...)
	}
	if strings.Join(names, ",") != "t-a,t-b,t-c" {
		t.Fatalf("ListTables %v", names)
	}
	d, err := ddb.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("t-a")})
	if err != nil {
		t.Fatalf("DescribeTable: %v", err)
	}
	if d.Table.SSEDescription != nil || d.Table.TableStatus != ddbtypes.TableStatusActive || d.Table.CreationDateTime == nil {
		t.Fatalf("owned-key table description %+v", d.Table)
	}
	arn := aws.ToString(d.Table.TableArn)
	if arn != "arn:aws:dynamodb:"+srv.Region+":"+srv.AccountID+":table/t-a" {
		t.Fatalf("TableArn %s", arn)
	}
	if _, err := ddb.TagResource(ctx, &dynamodb.TagResourceInput{ResourceArn: aws.String(arn), Tags: []ddbtypes.Tag{{Key: aws.String("kmslab:run"), Value: aws.String("x")}}}); err != nil {
		t.Fatalf("TagResource: %v", err)
	}
	tags, err := ddb.ListTagsOfResource(ctx, &dynamodb.ListTagsOfResourceInput{ResourceArn: aws.String(arn)})
	if err != nil || len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Value) != "x" {
		t.Fatalf("ListTagsOfResource: %v %v", tags, err)
	}
	if _, err := ddb.UntagResource(ctx, &dynamodb.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"kmslab:run"}}); err != nil {
		t.Fatalf("UntagResource: %v", err)
	}

	// The AWS managed key: created on first use, shown in SSEDescription.
	up, err := ddb.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("t-a"),
		SSESpecification: &ddbtypes.SSESpecification{Enabled: aws.Bool(true), SSEType: ddbtypes.SSETypeKms}})
	if err != nil {
		t.Fatalf("UpdateTable to the AWS managed key: %v", err)
	}
	if sd := up.TableDescription.SSEDescription; sd == nil || !strings.Contains(aws.ToString(sd.KMSMasterKeyArn), ":key/") {
		t.Fatalf("SSEDescription after UpdateTable %+v", sd)
	}
	if _, err := ddb.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String("t-b")}); err != nil {
		t.Fatalf("DeleteTable: %v", err)
	}
	waiter := dynamodb.NewTableNotExistsWaiter(ddb)
	if err := waiter.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("t-b")}, 5*time.Second); err != nil {
		t.Fatalf("TableNotExistsWaiter: %v", err)
	}
}

// TestInspectorHoldsNoPlaintext writes items of every type and searches every stored byte
// sequence (wrapped table key, key hashes, ciphertexts) for each value's bytes.
func TestInspectorHoldsNoPlaintext(t *testing.T) {
	ctx := context.Background()
	srv, ddb := newDDB(t)
	createTable(t, ddb, "owned", true, nil)
	createTable(t, ddb, "managed", true, &ddbtypes.SSESpecification{Enabled: aws.Bool(true)})
	secrets := []string{"alice@example.com", "4111-1111-1111-1111", "Sup3rS3cretN0te", "98765.4321", "partition-key-value", "binary-secret-payload"}
	for _, table := range []string{"owned", "managed"} {
		for i := range 50 {
			item := map[string]ddbtypes.AttributeValue{
				"pk":    s(secrets[4]),
				"sk":    n(fmt.Sprint(1000 + i)),
				"email": s(secrets[0]),
				"card":  &ddbtypes.AttributeValueMemberM{Value: map[string]ddbtypes.AttributeValue{"number": s(secrets[1])}},
				"notes": &ddbtypes.AttributeValueMemberL{Value: []ddbtypes.AttributeValue{s(secrets[2])}},
				"bal":   n(secrets[3]),
				"raw":   &ddbtypes.AttributeValueMemberB{Value: []byte(secrets[5])},
			}
			if _, err := ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: item}); err != nil {
				t.Fatalf("PutItem: %v", err)
			}
		}
		at, err := srv.Inspect(table)
		if err != nil {
			t.Fatalf("Inspect %s: %v", table, err)
		}
		if len(at.Items) != 50 {
			t.Fatalf("Inspect %s: %d items", table, len(at.Items))
		}
		blobs := [][]byte{at.WrappedTableKey}
		for _, it := range at.Items {
			blobs = append(blobs, it.KeyHash, it.Ciphertext)
		}
		needles := append([]string{"1000", "1049"}, secrets...)
		for _, b := range blobs {
			for _, needle := range needles {
				if bytes.Contains(b, []byte(needle)) {
					t.Fatalf("%s: stored bytes contain %q", table, needle)
				}
			}
		}
		// The admin still reads the plaintext through the API.
		out, err := ddb.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(table)})
		if err != nil || out.Count != 50 || out.Items[0]["email"].(*ddbtypes.AttributeValueMemberS).Value != secrets[0] {
			t.Fatalf("Scan %s: %v", table, err)
		}
	}
}
