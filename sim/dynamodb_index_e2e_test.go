package sim_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"kmslab/sim"
)

// createOrders creates a table keyed by customer and order id, with a GSI on status and
// amount (projecting total) and a KEYS_ONLY LSI on amount.
func createOrders(t *testing.T, ddb *dynamodb.Client, name string, sse *ddbtypes.SSESpecification) {
	t.Helper()
	ctx := context.Background()
	ks := func(hash, rng string) []ddbtypes.KeySchemaElement {
		return []ddbtypes.KeySchemaElement{{AttributeName: aws.String(hash), KeyType: ddbtypes.KeyTypeHash}, {AttributeName: aws.String(rng), KeyType: ddbtypes.KeyTypeRange}}
	}
	def := func(name string, typ ddbtypes.ScalarAttributeType) ddbtypes.AttributeDefinition {
		return ddbtypes.AttributeDefinition{AttributeName: aws.String(name), AttributeType: typ}
	}
	_, err := ddb.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:   aws.String(name),
		BillingMode: ddbtypes.BillingModePayPerRequest,
		KeySchema:   ks("cust", "id"),
		AttributeDefinitions: []ddbtypes.AttributeDefinition{def("cust", ddbtypes.ScalarAttributeTypeS), def("id", ddbtypes.ScalarAttributeTypeN),
			def("status", ddbtypes.ScalarAttributeTypeS), def("amount", ddbtypes.ScalarAttributeTypeN)},
		GlobalSecondaryIndexes: []ddbtypes.GlobalSecondaryIndex{{IndexName: aws.String("by-status"), KeySchema: ks("status", "amount"),
			Projection: &ddbtypes.Projection{ProjectionType: ddbtypes.ProjectionTypeInclude, NonKeyAttributes: []string{"total"}}}},
		LocalSecondaryIndexes: []ddbtypes.LocalSecondaryIndex{{IndexName: aws.String("by-amount"), KeySchema: ks("cust", "amount"),
			Projection: &ddbtypes.Projection{ProjectionType: ddbtypes.ProjectionTypeKeysOnly}}},
		SSESpecification: sse,
	})
	if err != nil {
		t.Fatalf("CreateTable with indexes: %v", err)
	}
	if err := dynamodb.NewTableExistsWaiter(ddb).Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)}, 5*time.Second); err != nil {
		t.Fatalf("TableExistsWaiter: %v", err)
	}
}

func order(cust, id, status, amount, total string) map[string]ddbtypes.AttributeValue {
	it := map[string]ddbtypes.AttributeValue{"cust": s(cust), "id": n(id), "total": n(total), "note": s("note " + id)}
	if status != "" {
		it["status"], it["amount"] = s(status), n(amount)
	}
	return it
}

func openOrdersQuery(table string) *dynamodb.QueryInput {
	return &dynamodb.QueryInput{TableName: aws.String(table), IndexName: aws.String("by-status"),
		KeyConditionExpression:    aws.String("#s = :o"),
		ExpressionAttributeNames:  map[string]string{"#s": "status"},
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":o": s("open")}}
}

func TestDynamoDBIndexes(t *testing.T) {
	ctx := context.Background()
	_, ddb := newDDB(t)
	createOrders(t, ddb, "orders", nil)
	for _, it := range []map[string]ddbtypes.AttributeValue{
		order("c1", "1", "open", "30", "300"), order("c1", "2", "open", "10", "100"), order("c2", "3", "shipped", "5", "50"), order("c3", "4", "", "", "0"),
	} {
		if _, err := ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("orders"), Item: it}); err != nil {
			t.Fatalf("PutItem: %v", err)
		}
	}

	q, err := ddb.Query(ctx, openOrdersQuery("orders"))
	if err != nil {
		t.Fatalf("Query on GSI: %v", err)
	}
	if q.Count != 2 || q.Items[0]["id"].(*ddbtypes.AttributeValueMemberN).Value != "2" {
		t.Fatalf("GSI query: %d items, first %v", q.Count, q.Items)
	}
	if _, ok := q.Items[0]["note"]; ok {
		t.Fatalf("INCLUDE projection returned note: %v", q.Items[0])
	}
	if _, ok := q.Items[0]["total"]; !ok {
		t.Fatalf("INCLUDE projection lost total: %v", q.Items[0])
	}
	sc, err := ddb.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("orders"), IndexName: aws.String("by-amount")})
	if err != nil || sc.Count != 3 {
		t.Fatalf("LSI Scan (sparse, 3 of 4 items): %v %v", sc, err)
	}
	lsi, err := ddb.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("orders"), IndexName: aws.String("by-amount"),
		KeyConditionExpression: aws.String("cust = :c AND amount < :a"), ProjectionExpression: aws.String("note"),
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":c": s("c1"), ":a": n("20")}})
	if err != nil || lsi.Count != 1 || lsi.Items[0]["note"].(*ddbtypes.AttributeValueMemberS).Value != "note 2" {
		t.Fatalf("LSI query fetching a non-projected attribute: %v %v", lsi, err)
	}

	d, err := ddb.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("orders")})
	if err != nil {
		t.Fatalf("DescribeTable: %v", err)
	}
	if len(d.Table.GlobalSecondaryIndexes) != 1 || len(d.Table.LocalSecondaryIndexes) != 1 {
		t.Fatalf("index descriptions %+v %+v", d.Table.GlobalSecondaryIndexes, d.Table.LocalSecondaryIndexes)
	}
	g := d.Table.GlobalSecondaryIndexes[0]
	if g.IndexStatus != ddbtypes.IndexStatusActive || aws.ToInt64(g.ItemCount) != 3 || aws.ToString(g.IndexArn) != aws.ToString(d.Table.TableArn)+"/index/by-status" ||
		g.Projection.ProjectionType != ddbtypes.ProjectionTypeInclude || len(g.KeySchema) != 2 {
		t.Fatalf("GSI description %+v", g)
	}

	// An index key of the wrong type is refused.
	_, err = ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("orders"), Item: map[string]ddbtypes.AttributeValue{"cust": s("c9"), "id": n("9"), "status": n("1")}})
	if code, msg := apiError(t, err); code != "ValidationException" || msg != "One or more parameter values were invalid: Type mismatch for Index Key status Expected: S Actual: N IndexName: by-status" {
		t.Fatalf("wrong index key type: %s: %s", code, msg)
	}

	// UpdateTable adds a GSI, the index answers, and UpdateTable deletes it.
	up, err := ddb.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("orders"),
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("total"), AttributeType: ddbtypes.ScalarAttributeTypeN}},
		GlobalSecondaryIndexUpdates: []ddbtypes.GlobalSecondaryIndexUpdate{{Create: &ddbtypes.CreateGlobalSecondaryIndexAction{
			IndexName: aws.String("by-total"), Projection: &ddbtypes.Projection{ProjectionType: ddbtypes.ProjectionTypeKeysOnly},
			KeySchema: []ddbtypes.KeySchemaElement{{AttributeName: aws.String("total"), KeyType: ddbtypes.KeyTypeHash}}}}}})
	if err != nil || len(up.TableDescription.GlobalSecondaryIndexes) != 2 {
		t.Fatalf("UpdateTable create GSI: %v %v", up, err)
	}
	byTotal, err := ddb.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("orders"), IndexName: aws.String("by-total"),
		KeyConditionExpression: aws.String("#t = :t"), ExpressionAttributeNames: map[string]string{"#t": "total"}, ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":t": n("0")}})
	if err != nil || byTotal.Count != 1 || len(byTotal.Items[0]) != 3 {
		t.Fatalf("query on the added KEYS_ONLY GSI: %v %v", byTotal, err)
	}
	if _, err := ddb.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("orders"),
		GlobalSecondaryIndexUpdates: []ddbtypes.GlobalSecondaryIndexUpdate{{Delete: &ddbtypes.DeleteGlobalSecondaryIndexAction{IndexName: aws.String("by-total")}}}}); err != nil {
		t.Fatalf("UpdateTable delete GSI: %v", err)
	}
	_, err = ddb.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("orders"), IndexName: aws.String("by-total"),
		KeyConditionExpression: aws.String("#t = :t"), ExpressionAttributeNames: map[string]string{"#t": "total"}, ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":t": n("0")}})
	if code, msg := apiError(t, err); code != "ValidationException" || msg != "The table does not have the specified index: by-total" {
		t.Fatalf("query on a deleted GSI: %s: %s", code, msg)
	}
}

func TestDynamoDBTransactions(t *testing.T) {
	ctx := context.Background()
	_, ddb := newDDB(t)
	createTable(t, ddb, "accounts", false, nil)
	createTable(t, ddb, "ledger", true, nil)
	if _, err := ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("accounts"), Item: map[string]ddbtypes.AttributeValue{"pk": s("alice"), "balance": n("10")}}); err != nil {
		t.Fatalf("PutItem: %v", err)
	}
	transfer := func(amount, token string) *dynamodb.TransactWriteItemsInput {
		return &dynamodb.TransactWriteItemsInput{ClientRequestToken: aws.String(token), TransactItems: []ddbtypes.TransactWriteItem{
			{Put: &ddbtypes.Put{TableName: aws.String("ledger"), Item: map[string]ddbtypes.AttributeValue{"pk": s("alice"), "sk": n(amount)}}},
			{Update: &ddbtypes.Update{TableName: aws.String("accounts"), Key: map[string]ddbtypes.AttributeValue{"pk": s("alice")},
				UpdateExpression: aws.String("SET balance = balance - :a"), ConditionExpression: aws.String("balance >= :a"),
				ExpressionAttributeValues:           map[string]ddbtypes.AttributeValue{":a": n(amount)},
				ReturnValuesOnConditionCheckFailure: ddbtypes.ReturnValuesOnConditionCheckFailureAllOld}},
		}}
	}
	_, err := ddb.TransactWriteItems(ctx, transfer("50", "t-1"))
	var tce *ddbtypes.TransactionCanceledException
	if !errors.As(err, &tce) {
		t.Fatalf("overdraft: want TransactionCanceledException, got %v", err)
	}
	r := tce.CancellationReasons
	if len(r) != 2 || aws.ToString(r[0].Code) != "None" || aws.ToString(r[1].Code) != "ConditionalCheckFailed" ||
		r[1].Item["balance"].(*ddbtypes.AttributeValueMemberN).Value != "10" {
		t.Fatalf("CancellationReasons %+v", r)
	}
	if sc, _ := ddb.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("ledger")}); sc == nil || sc.Count != 0 {
		t.Fatalf("a cancelled transaction wrote to the ledger: %v", sc)
	}
	for range 2 { // the second call with the same token and request is not applied again
		if _, err := ddb.TransactWriteItems(ctx, transfer("4", "t-2")); err != nil {
			t.Fatalf("transfer: %v", err)
		}
	}
	_, err = ddb.TransactWriteItems(ctx, transfer("5", "t-2"))
	var mismatch *ddbtypes.IdempotentParameterMismatchException
	if !errors.As(err, &mismatch) {
		t.Fatalf("same token, other request: want IdempotentParameterMismatchException, got %v", err)
	}
	got, err := ddb.TransactGetItems(ctx, &dynamodb.TransactGetItemsInput{TransactItems: []ddbtypes.TransactGetItem{
		{Get: &ddbtypes.Get{TableName: aws.String("accounts"), Key: map[string]ddbtypes.AttributeValue{"pk": s("alice")}}},
		{Get: &ddbtypes.Get{TableName: aws.String("ledger"), Key: map[string]ddbtypes.AttributeValue{"pk": s("alice"), "sk": n("4")}}},
	}})
	if err != nil || len(got.Responses) != 2 || got.Responses[0].Item["balance"].(*ddbtypes.AttributeValueMemberN).Value != "6" || got.Responses[1].Item == nil {
		t.Fatalf("TransactGetItems after one applied transfer: %+v %v", got, err)
	}

	// ReturnValuesOnConditionCheckFailure on a single write.
	_, err = ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("accounts"), Item: map[string]ddbtypes.AttributeValue{"pk": s("alice")},
		ConditionExpression: aws.String("attribute_not_exists(pk)"), ReturnValuesOnConditionCheckFailure: ddbtypes.ReturnValuesOnConditionCheckFailureAllOld})
	var ccf *ddbtypes.ConditionalCheckFailedException
	if !errors.As(err, &ccf) || ccf.Item["balance"].(*ddbtypes.AttributeValueMemberN).Value != "6" {
		t.Fatalf("ConditionalCheckFailedException with the old item: %v", err)
	}

	// Batch requests that name a table by ARN are answered by ARN.
	d, err := ddb.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("accounts")})
	if err != nil {
		t.Fatalf("DescribeTable: %v", err)
	}
	arn := aws.ToString(d.Table.TableArn)
	bg, err := ddb.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]ddbtypes.KeysAndAttributes{
		arn: {Keys: []map[string]ddbtypes.AttributeValue{{"pk": s("alice")}}}}})
	if err != nil || len(bg.Responses[arn]) != 1 {
		t.Fatalf("BatchGetItem by ARN: %+v %v", bg, err)
	}
	if _, err := ddb.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]ddbtypes.WriteRequest{
		arn: {{PutRequest: &ddbtypes.PutRequest{Item: map[string]ddbtypes.AttributeValue{"pk": s("bob")}}}}}}); err != nil {
		t.Fatalf("BatchWriteItem by ARN: %v", err)
	}
}

// TestIndexAndTransactionNeedTheTableKey is the lab's decisive moment through an index and
// a transaction: the test user with AmazonDynamoDBFullAccess is refused by KMS until the key
// policy names it.
func TestIndexAndTransactionNeedTheTableKey(t *testing.T) {
	ctx := context.Background()
	srv := startSim(t, sim.Options{})
	admin := sdkConfig(srv, srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey)
	iamC, kmsC, ddb := iam.NewFromConfig(admin), kms.NewFromConfig(admin), dynamodb.NewFromConfig(admin)
	user, err := iamC.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("kmslab-user-idx")})
	if err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	userARN := aws.ToString(user.User.Arn)
	if _, err := iamC.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("kmslab-user-idx"),
		PolicyArn: aws.String("arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess")}); err != nil {
		t.Fatalf("AttachUserPolicy: %v", err)
	}
	ak, err := iamC.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("kmslab-user-idx")})
	if err != nil {
		t.Fatalf("CreateAccessKey: %v", err)
	}
	userDDB := dynamodb.NewFromConfig(sdkConfig(srv, aws.ToString(ak.AccessKey.AccessKeyId), aws.ToString(ak.AccessKey.SecretAccessKey)))
	key, err := kmsC.CreateKey(ctx, &kms.CreateKeyInput{Policy: aws.String(consolePolicy(srv.AccountID, srv.AdminARN, srv.AdminARN))})
	if err != nil {
		t.Fatalf("CreateKey: %v", err)
	}
	keyARN := aws.ToString(key.KeyMetadata.Arn)
	createOrders(t, ddb, "orders", &ddbtypes.SSESpecification{Enabled: aws.Bool(true), SSEType: ddbtypes.SSETypeKms, KMSMasterKeyId: aws.String(keyARN)})
	if _, err := ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("orders"), Item: order("c1", "1", "open", "30", "300")}); err != nil {
		t.Fatalf("admin PutItem: %v", err)
	}
	tx := &dynamodb.TransactWriteItemsInput{TransactItems: []ddbtypes.TransactWriteItem{
		{Put: &ddbtypes.Put{TableName: aws.String("orders"), Item: order("c1", "2", "open", "10", "100")}}}}
	get := &dynamodb.TransactGetItemsInput{TransactItems: []ddbtypes.TransactGetItem{
		{Get: &ddbtypes.Get{TableName: aws.String("orders"), Key: map[string]ddbtypes.AttributeValue{"cust": s("c1"), "id": n("1")}}}}}

	_, err = userDDB.Query(ctx, openOrdersQuery("orders"))
	requireKMSDenied(t, "user Query on GSI", err, userARN, keyARN)
	_, err = userDDB.TransactWriteItems(ctx, tx)
	requireKMSDenied(t, "user TransactWriteItems", err, userARN, keyARN)
	_, err = userDDB.TransactGetItems(ctx, get)
	requireKMSDenied(t, "user TransactGetItems", err, userARN, keyARN)

	if _, err := kmsC.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: aws.String(keyARN), PolicyName: aws.String("default"),
		Policy: aws.String(consolePolicy(srv.AccountID, srv.AdminARN, srv.AdminARN, userARN))}); err != nil {
		t.Fatalf("PutKeyPolicy: %v", err)
	}
	if _, err := userDDB.TransactWriteItems(ctx, tx); err != nil {
		t.Fatalf("user TransactWriteItems once admitted: %v", err)
	}
	q, err := userDDB.Query(ctx, openOrdersQuery("orders"))
	if err != nil || q.Count != 2 {
		t.Fatalf("user Query on GSI once admitted: %v %v", q, err)
	}
	if g, err := userDDB.TransactGetItems(ctx, get); err != nil || g.Responses[0].Item == nil {
		t.Fatalf("user TransactGetItems once admitted: %v %v", g, err)
	}
}
