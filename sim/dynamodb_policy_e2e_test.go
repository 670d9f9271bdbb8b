package sim_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"kmslab/internal/simtest"
	"kmslab/sim"
)

// tablePolicy lets principal perform actions on the table.
func tablePolicy(effect, principal, tableARN string, actions ...string) string {
	list, _ := json.Marshal(actions)
	return fmt.Sprintf(`{
  "Version": "2012-10-17",
  "Statement": [{"Sid": "TableAccess", "Effect": %q, "Principal": {"AWS": %q}, "Action": %s, "Resource": %q}]
}`, effect, principal, list, tableARN)
}

// TestTableResourcePolicyOps covers Put/Get/DeleteResourcePolicy and their errors as
// DynamoDB answers them (messages from AWS-verified test suites, see resource_policy.go).
func TestTableResourcePolicyOps(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := simtest.NewClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	srv := startSim(t, sim.Options{Clock: clock.Now})
	ddb := dynamodb.NewFromConfig(sdkConfig(srv, srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey))
	createTable(t, ddb, "rbp", false, nil)
	arn := "arn:aws:dynamodb:" + srv.Region + ":" + srv.AccountID + ":table/rbp"
	doc := tablePolicy("Allow", srv.AdminARN, arn, "dynamodb:GetItem")

	wantErr := func(what string, err error, code, msg string) {
		t.Helper()
		if err == nil {
			t.Fatalf("%s: succeeded, want %s", what, code)
		}
		gotCode, gotMsg := awsErr(t, what, err)
		if gotCode != code || gotMsg != msg {
			t.Fatalf("%s:\n got %s: %s\nwant %s: %s", what, gotCode, gotMsg, code, msg)
		}
	}

	_, err := ddb.GetResourcePolicy(ctx, &dynamodb.GetResourcePolicyInput{ResourceArn: aws.String(arn)})
	wantErr("Get without a policy", err, "PolicyNotFoundException", "Resource-based policy not found for the provided ResourceArn: "+arn)
	_, err = ddb.PutResourcePolicy(ctx, &dynamodb.PutResourcePolicyInput{ResourceArn: aws.String(arn), Policy: aws.String(doc), ExpectedRevisionId: aws.String("1")})
	wantErr("Put expecting a revision on a table without a policy", err, "PolicyNotFoundException", "Resource-based policy not found for the provided ResourceArn: "+arn)

	put, err := ddb.PutResourcePolicy(ctx, &dynamodb.PutResourcePolicyInput{ResourceArn: aws.String(arn), Policy: aws.String(doc), ExpectedRevisionId: aws.String("NO_POLICY")})
	if err != nil {
		t.Fatalf("PutResourcePolicy NO_POLICY: %v", err)
	}
	rev1 := aws.ToString(put.RevisionId)
	if rev1 != fmt.Sprint(clock.Now().UnixMilli()) {
		t.Fatalf("revision %q, want the millisecond timestamp", rev1)
	}
	got, err := ddb.GetResourcePolicy(ctx, &dynamodb.GetResourcePolicyInput{ResourceArn: aws.String(arn)})
	if err != nil || aws.ToString(got.RevisionId) != rev1 || strings.ContainsAny(aws.ToString(got.Policy), " \n") ||
		!strings.Contains(aws.ToString(got.Policy), `"Action":["dynamodb:GetItem"]`) {
		t.Fatalf("GetResourcePolicy = %v %v %v, want the compacted document at %s", aws.ToString(got.Policy), aws.ToString(got.RevisionId), err, rev1)
	}
	again, err := ddb.PutResourcePolicy(ctx, &dynamodb.PutResourcePolicyInput{ResourceArn: aws.String(arn), Policy: aws.String(doc)})
	if err != nil || aws.ToString(again.RevisionId) != rev1 {
		t.Fatalf("the same policy again: %v %v, want revision %s unchanged", aws.ToString(again.RevisionId), err, rev1)
	}
	_, err = ddb.PutResourcePolicy(ctx, &dynamodb.PutResourcePolicyInput{ResourceArn: aws.String(arn), Policy: aws.String(doc), ExpectedRevisionId: aws.String("NO_POLICY")})
	wantErr("Put NO_POLICY over a policy", err, "PolicyNotFoundException",
		"Resource-based policy not found for the provided ResourceArn: Requested policy update expecting none to be present for table rbp, but a policy exists with revision id "+rev1+".")

	doc2 := tablePolicy("Allow", srv.AdminARN, arn, "dynamodb:PutItem")
	put2, err := ddb.PutResourcePolicy(ctx, &dynamodb.PutResourcePolicyInput{ResourceArn: aws.String(arn), Policy: aws.String(doc2), ExpectedRevisionId: aws.String(rev1)})
	if err != nil {
		t.Fatalf("Put at the current revision: %v", err)
	}
	rev2 := aws.ToString(put2.RevisionId)
	if rev2 <= rev1 {
		t.Fatalf("revision %s after %s: revisions must grow", rev2, rev1)
	}
	stale := "Resource-based policy not found for the provided ResourceArn: Requested update for policy with revision id " + rev1 +
		", but the policy associated to target table rbp has revision id " + rev2 + "."
	_, err = ddb.PutResourcePolicy(ctx, &dynamodb.PutResourcePolicyInput{ResourceArn: aws.String(arn), Policy: aws.String(doc), ExpectedRevisionId: aws.String(rev1)})
	wantErr("Put at a former revision", err, "PolicyNotFoundException", stale)
	_, err = ddb.DeleteResourcePolicy(ctx, &dynamodb.DeleteResourcePolicyInput{ResourceArn: aws.String(arn), ExpectedRevisionId: aws.String(rev1)})
	wantErr("Delete at a former revision", err, "PolicyNotFoundException", stale)

	for _, c := range []struct{ name, ref, code, msg string }{
		{"bare name", "rbp", "ValidationException", "One or more parameter values were invalid: ARNs must start with 'arn:': rbp"},
		{"missing table", arn + "x", "ResourceNotFoundException", "Requested resource not found: Table: rbpx not found"},
		{"other region", strings.Replace(arn, srv.Region, "eu-west-3", 1), "ValidationException",
			"One or more parameter values were invalid: Invalid resource Arn: " + strings.Replace(arn, srv.Region, "eu-west-3", 1)},
		{"other account", strings.Replace(arn, srv.AccountID, "999999999999", 1), "ValidationException",
			"This action is only supported by accounts that match the resource owner’s account."},
		{"stream", arn + "/stream/2026-01-01T00:00:00.000", "ResourceNotFoundException",
			"Requested resource not found: Stream: 2026-01-01T00:00:00.000 not found for Table: rbp"},
		{"index", arn + "/index/byStatus", "ValidationException",
			"One or more parameter values were invalid: Invalid resource arn provided, only table or stream is accepted. Provided resource arn: " + arn + "/index/byStatus"},
	} {
		_, err := ddb.GetResourcePolicy(ctx, &dynamodb.GetResourcePolicyInput{ResourceArn: aws.String(c.ref)})
		wantErr("Get on "+c.name, err, c.code, c.msg)
		_, err = ddb.DeleteResourcePolicy(ctx, &dynamodb.DeleteResourcePolicyInput{ResourceArn: aws.String(c.ref)})
		wantErr("Delete on "+c.name, err, c.code, c.msg)
	}

	invalid := "One or more parameter values were invalid: Invalid policy document: "
	for _, c := range []struct{ name, doc, msg string }{
		{"not JSON", "{not json", invalid + "This policy contains invalid Json"},
		{"empty", "", invalid + "This policy contains invalid Json"},
		{"no statements", `{"Version":"2012-10-17","Statement":[]}`, invalid + "Could not parse the policy: Statement is empty!"},
		{"no Resource", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"` + srv.AdminARN + `"},"Action":"dynamodb:GetItem"}]}`, invalid + "Missing required field Resource"},
		{"duplicate Sid", `{"Statement":[{"Sid":"a","Effect":"Allow","Principal":{"AWS":"` + srv.AdminARN + `"},"Action":"dynamodb:GetItem","Resource":"*"},` +
			`{"Sid":"a","Effect":"Allow","Principal":{"AWS":"` + srv.AdminARN + `"},"Action":"dynamodb:PutItem","Resource":"*"}]}`, invalid + "The Statement Ids in the policy are not unique"},
		{"allow to everyone", tablePolicy("Allow", "*", arn, "dynamodb:GetItem"),
			"Resource-based policy grants unbounded access in one or more elements. Please revise the policy to ensure least-privilege form of access"},
		{"too large", strings.Replace(doc, "{", "{"+strings.Repeat(" ", 20480), 1), "One or more parameter values were invalid: Maximum policy size of 20480 bytes exceeded"},
	} {
		_, err := ddb.PutResourcePolicy(ctx, &dynamodb.PutResourcePolicyInput{ResourceArn: aws.String(arn), Policy: aws.String(c.doc)})
		wantErr("Put "+c.name, err, "ValidationException", c.msg)
	}

	_, err = ddb.DeleteResourcePolicy(ctx, &dynamodb.DeleteResourcePolicyInput{ResourceArn: aws.String(arn), ExpectedRevisionId: aws.String(strings.Repeat("9", 256))})
	wantErr("Delete with too long a revision id", err, "ValidationException",
		"1 validation error detected: Value '"+strings.Repeat("9", 256)+"' at 'expectedRevisionId' failed to satisfy constraint: Member must have length less than or equal to 255")

	del, err := ddb.DeleteResourcePolicy(ctx, &dynamodb.DeleteResourcePolicyInput{ResourceArn: aws.String(arn), ExpectedRevisionId: aws.String(rev2)})
	if err != nil || aws.ToString(del.RevisionId) != rev2 {
		t.Fatalf("DeleteResourcePolicy = %v %v", aws.ToString(del.RevisionId), err)
	}
	_, err = ddb.GetResourcePolicy(ctx, &dynamodb.GetResourcePolicyInput{ResourceArn: aws.String(arn)})
	wantErr("Get after Delete", err, "PolicyNotFoundException", "Resource-based policy not found for the provided ResourceArn: "+arn)
	if del, err := ddb.DeleteResourcePolicy(ctx, &dynamodb.DeleteResourcePolicyInput{ResourceArn: aws.String(arn)}); err != nil || del.RevisionId != nil {
		t.Fatalf("Delete without a policy = %v %v, want success without a revision", del, err)
	}

	// CreateTable takes a policy too; DeleteTable takes it away with the table.
	if _, err := ddb.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("rbp2"),
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: ddbtypes.KeyTypeHash}},
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		BillingMode:          ddbtypes.BillingModePayPerRequest,
		ResourcePolicy:       aws.String(tablePolicy("Allow", srv.AdminARN, arn+"2", "dynamodb:GetItem")),
	}); err != nil {
		t.Fatalf("CreateTable with a ResourcePolicy: %v", err)
	}
	if got, err := ddb.GetResourcePolicy(ctx, &dynamodb.GetResourcePolicyInput{ResourceArn: aws.String(arn + "2")}); err != nil || got.RevisionId == nil {
		t.Fatalf("GetResourcePolicy of a table created with one: %v", err)
	}
	_, err = ddb.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("rbp3"),
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: ddbtypes.KeyTypeHash}},
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		BillingMode:          ddbtypes.BillingModePayPerRequest,
		ResourcePolicy:       aws.String("{}"),
	})
	wantErr("CreateTable with an empty policy", err, "ValidationException", invalid+"Could not parse the policy: Statement is empty!")
}

// TestTablePolicyLetsTheUserIn is the scenario of the lab's experiment "A table policy lets
// the user in": a user with no IAM policy at all is let in by the table's resource-based
// policy (within one account it suffices for DynamoDB's own action), and still cannot read
// an item, because the table's KMS key decides separately and its policy refuses kms:Decrypt.
// An explicit Deny in the table policy wins over the user's IAM Allow.
func TestTablePolicyLetsTheUserIn(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := startSim(t, sim.Options{})
	admin := sdkConfig(srv, srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey)
	iamC, kmsC, ddb := iam.NewFromConfig(admin), kms.NewFromConfig(admin), dynamodb.NewFromConfig(admin)

	userARN, ak := simtest.CreateUser(ctx, t, iamC, simtest.User{Name: "kmslab-rbp-user"})
	userDDB := dynamodb.NewFromConfig(sdkConfig(srv, aws.ToString(ak.AccessKeyId), aws.ToString(ak.SecretAccessKey)))
	key, err := kmsC.CreateKey(ctx, &kms.CreateKeyInput{Policy: aws.String(consolePolicy(srv.AccountID, srv.AdminARN, srv.AdminARN))})
	if err != nil {
		t.Fatalf("CreateKey: %v", err)
	}
	keyARN := aws.ToString(key.KeyMetadata.Arn)
	const table = "kmslab-rbp"
	createTable(t, ddb, table, false, &ddbtypes.SSESpecification{Enabled: aws.Bool(true), SSEType: ddbtypes.SSETypeKms, KMSMasterKeyId: aws.String(keyARN)})
	tableARN := "arn:aws:dynamodb:" + srv.Region + ":" + srv.AccountID + ":table/" + table
	if _, err := ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: map[string]ddbtypes.AttributeValue{"pk": s("customer-1")}}); err != nil {
		t.Fatalf("admin PutItem: %v", err)
	}

	// Without any policy the user is refused by DynamoDB itself.
	_, err = userDDB.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)})
	code, msg := apiError(t, err)
	want := "User: " + userARN + " is not authorized to perform: dynamodb:DescribeTable on resource: " + tableARN +
		" because no identity-based policy allows the dynamodb:DescribeTable action"
	if code != "AccessDeniedException" || msg != want {
		t.Fatalf("DescribeTable without policies:\n got %s: %s\nwant AccessDeniedException: %s", code, msg, want)
	}

	// The table policy names the user: that is enough for DynamoDB's own actions.
	if _, err := ddb.PutResourcePolicy(ctx, &dynamodb.PutResourcePolicyInput{ResourceArn: aws.String(tableARN),
		Policy: aws.String(tablePolicy("Allow", userARN, tableARN, "dynamodb:DescribeTable", "dynamodb:Scan"))}); err != nil {
		t.Fatalf("PutResourcePolicy: %v", err)
	}
	if _, err := userDDB.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)}); err != nil {
		t.Fatalf("DescribeTable allowed by the table policy: %v", err)
	}
	// ...and the key still refuses: the items stay encrypted.
	_, err = userDDB.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(table)})
	requireKMSDenied(t, "user Scan allowed by the table policy", err, userARN, keyARN)
	// What the table policy does not list stays refused.
	_, err = userDDB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: map[string]ddbtypes.AttributeValue{"pk": s("customer-1")}})
	if code, _ := apiError(t, err); code != "AccessDeniedException" {
		t.Fatalf("GetItem, not in the table policy: %v", err)
	}

	// An explicit Deny in the table policy wins over the user's IAM Allow.
	if _, err := iamC.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("kmslab-rbp-user"),
		PolicyArn: aws.String("arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess")}); err != nil {
		t.Fatalf("AttachUserPolicy: %v", err)
	}
	if _, err := ddb.PutResourcePolicy(ctx, &dynamodb.PutResourcePolicyInput{ResourceArn: aws.String(tableARN),
		Policy: aws.String(tablePolicy("Deny", userARN, tableARN, "dynamodb:DescribeTable"))}); err != nil {
		t.Fatalf("PutResourcePolicy Deny: %v", err)
	}
	_, err = userDDB.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)})
	code, msg = apiError(t, err)
	want = "User: " + userARN + " is not authorized to perform: dynamodb:DescribeTable on resource: " + tableARN +
		" with an explicit deny in a resource-based policy"
	if code != "AccessDeniedException" || msg != want {
		t.Fatalf("DescribeTable denied by the table policy:\n got %s: %s\nwant AccessDeniedException: %s", code, msg, want)
	}

	// A policy naming only the account hands the decision to IAM: it lets nobody in by itself.
	if _, err := iamC.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: aws.String("kmslab-rbp-user"),
		PolicyArn: aws.String("arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess")}); err != nil {
		t.Fatalf("DetachUserPolicy: %v", err)
	}
	if _, err := ddb.PutResourcePolicy(ctx, &dynamodb.PutResourcePolicyInput{ResourceArn: aws.String(tableARN),
		Policy: aws.String(tablePolicy("Allow", "arn:aws:iam::"+srv.AccountID+":root", tableARN, "dynamodb:DescribeTable"))}); err != nil {
		t.Fatalf("PutResourcePolicy to the account: %v", err)
	}
	if _, err := userDDB.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)}); err == nil {
		t.Fatal("DescribeTable with a table policy naming only the account and no IAM policy: succeeded")
	}
}

// TestTablePolicyOnIndex: DynamoDB authorizes a Query or Scan of an index on the index's ARN,
// so a table policy naming table/<t>/index/* lets a user read the index and not the table.
func TestTablePolicyOnIndex(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := startSim(t, sim.Options{})
	admin := sdkConfig(srv, srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey)
	ddb := dynamodb.NewFromConfig(admin)
	createOrders(t, ddb, "indexed", nil)
	userARN, ak := simtest.CreateUser(ctx, t, iam.NewFromConfig(admin), simtest.User{Name: "index-reader"})
	user := dynamodb.NewFromConfig(sdkConfig(srv, aws.ToString(ak.AccessKeyId), aws.ToString(ak.SecretAccessKey)))
	tableARN := "arn:aws:dynamodb:" + srv.Region + ":" + srv.AccountID + ":table/indexed"
	if _, err := ddb.PutResourcePolicy(ctx, &dynamodb.PutResourcePolicyInput{ResourceArn: aws.String(tableARN),
		Policy: aws.String(tablePolicy("Allow", userARN, tableARN+"/index/*", "dynamodb:Query", "dynamodb:Scan"))}); err != nil {
		t.Fatal(err)
	}
	if _, err := user.Query(ctx, openOrdersQuery("indexed")); err != nil {
		t.Fatalf("Query of the index the table policy names: %v", err)
	}
	if _, err := user.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("indexed"), IndexName: aws.String("by-status")}); err != nil {
		t.Fatalf("Scan of the index the table policy names: %v", err)
	}
	_, err := user.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("indexed")})
	code, msg := apiError(t, err)
	if code != "AccessDeniedException" || !strings.Contains(msg, "dynamodb:Scan on resource: "+tableARN+" ") {
		t.Fatalf("Scan of the table itself: %s %s", code, msg)
	}
}
