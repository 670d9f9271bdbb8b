package sim_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/smithy-go"

	"kmslab/internal/simtest"
	"kmslab/sim"
	"kmslab/sim/audit"
)

func startSim(t testing.TB, opts sim.Options) *sim.Server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := sim.Start(ctx, opts)
	if err != nil {
		cancel()
		t.Fatalf("start sim: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		_ = srv.Close()
	})
	return srv
}

func sdkConfig(srv *sim.Server, id, secret string) aws.Config {
	return aws.Config{
		Region:       srv.Region,
		Credentials:  credentials.NewStaticCredentialsProvider(id, secret, ""),
		BaseEndpoint: aws.String(srv.URL),
	}
}

// consolePolicy is the key policy the KMS console writes for one key
// administrator and the given key users.
func consolePolicy(account, admin string, users ...string) string {
	return simtest.ConsolePolicy(account, []string{admin}, users)
}

// awsErr returns the AWS error code and message of err, failing the test if it is not an AWS error.
func awsErr(t *testing.T, what string, err error) (string, string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("%s: err = %v, want an AWS API error", what, err)
	}
	return ae.ErrorCode(), ae.ErrorMessage()
}

// apiError is awsErr for a call the failure message need not name.
func apiError(t *testing.T, err error) (string, string) {
	t.Helper()
	return awsErr(t, "call", err)
}

// requireKMSDenied checks DynamoDB's wrapped KMS AccessDenied for user on key.
func requireKMSDenied(t *testing.T, what string, err error, user, keyARN string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: succeeded, want AccessDeniedException", what)
	}
	code, msg := awsErr(t, "call", err)
	want := "KMS key access denied error: com.amazonaws.services.kms.model.AWSKMSException: User: " + user +
		" is not authorized to perform: kms:Decrypt on resource: " + keyARN +
		" because no identity-based policy allows the kms:Decrypt action (Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException; Request ID: "
	if code != "AccessDeniedException" || !strings.HasPrefix(msg, want) || !strings.HasSuffix(msg, "; Proxy: null)") {
		t.Fatalf("%s:\n got %s: %s\nwant AccessDeniedException: %s...", what, code, msg, want)
	}
}

func countEvents(events []audit.Event, match func(audit.Event) bool) int {
	n := 0
	for _, e := range events {
		if match(e) {
			n++
		}
	}
	return n
}

// TestLab runs the whole "Encrypt data with AWS KMS" lab against the offline AWS with the
// real SDK clients, as the TUI does.
func TestLab(t *testing.T) {
	ctx := context.Background()
	clock := simtest.NewClock(time.Now().UTC())
	srv := startSim(t, sim.Options{Clock: clock.Now, KeyCacheTTL: 5 * time.Minute})
	admin := sdkConfig(srv, srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey)
	iamC, kmsC, ddb := iam.NewFromConfig(admin), kms.NewFromConfig(admin), dynamodb.NewFromConfig(admin)

	// Part 1: a test user with only AmazonDynamoDBFullAccess.
	user, err := iamC.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("kmslab-user-e2e")})
	if err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	userARN := aws.ToString(user.User.Arn)
	if _, err := iamC.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("kmslab-user-e2e"),
		PolicyArn: aws.String("arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess")}); err != nil {
		t.Fatalf("AttachUserPolicy: %v", err)
	}
	ak, err := iamC.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("kmslab-user-e2e")})
	if err != nil {
		t.Fatalf("CreateAccessKey: %v", err)
	}
	userDDB := dynamodb.NewFromConfig(sdkConfig(srv, aws.ToString(ak.AccessKey.AccessKeyId), aws.ToString(ak.AccessKey.SecretAccessKey)))

	// Part 2: a customer managed key whose policy names only the admin as key user.
	key, err := kmsC.CreateKey(ctx, &kms.CreateKeyInput{Description: aws.String("kmslab e2e"),
		Policy: aws.String(consolePolicy(srv.AccountID, srv.AdminARN, srv.AdminARN))})
	if err != nil {
		t.Fatalf("CreateKey: %v", err)
	}
	keyARN := aws.ToString(key.KeyMetadata.Arn)
	if _, err := kmsC.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String("alias/kmslab-e2e"), TargetKeyId: key.KeyMetadata.KeyId}); err != nil {
		t.Fatalf("CreateAlias: %v", err)
	}

	// Part 3: a table encrypted with it.
	const table = "kmslab-e2e"
	if _, err := ddb.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String(table),
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: ddbtypes.KeyTypeHash}},
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		BillingMode:          ddbtypes.BillingModePayPerRequest,
		SSESpecification:     &ddbtypes.SSESpecification{Enabled: aws.Bool(true), SSEType: ddbtypes.SSETypeKms, KMSMasterKeyId: aws.String("alias/kmslab-e2e")},
		Tags:                 []ddbtypes.Tag{{Key: aws.String("kmslab:run"), Value: aws.String("e2e")}},
	}); err != nil {
		t.Fatalf("CreateTable: %v", err)
	}
	waiter := dynamodb.NewTableExistsWaiter(ddb)
	if err := waiter.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)}, 5*time.Second); err != nil {
		t.Fatalf("TableExistsWaiter: %v", err)
	}
	desc, err := ddb.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)})
	if err != nil {
		t.Fatalf("DescribeTable: %v", err)
	}
	if sd := desc.Table.SSEDescription; sd == nil || sd.Status != ddbtypes.SSEStatusEnabled || sd.SSEType != ddbtypes.SSETypeKms || aws.ToString(sd.KMSMasterKeyArn) != keyARN {
		t.Fatalf("SSEDescription %+v, want ENABLED KMS %s", sd, keyARN)
	}

	// Part 4: the admin writes and reads.
	item := map[string]ddbtypes.AttributeValue{
		"id":     &ddbtypes.AttributeValueMemberS{Value: "customer-1"},
		"name":   &ddbtypes.AttributeValueMemberS{Value: "Ana Silva"},
		"credit": &ddbtypes.AttributeValueMemberN{Value: "1200"},
	}
	if _, err := ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: item}); err != nil {
		t.Fatalf("admin PutItem: %v", err)
	}
	scan, err := ddb.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(table)})
	if err != nil || scan.Count != 1 {
		t.Fatalf("admin Scan: %v %v", scan, err)
	}

	// Part 5: the test user has dynamodb:* and is still refused, by KMS.
	key1 := map[string]ddbtypes.AttributeValue{"id": &ddbtypes.AttributeValueMemberS{Value: "customer-1"}}
	_, err = userDDB.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(table)})
	requireKMSDenied(t, "user Scan", err, userARN, keyARN)
	_, err = userDDB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: key1})
	requireKMSDenied(t, "user GetItem", err, userARN, keyARN)
	_, err = userDDB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: map[string]ddbtypes.AttributeValue{
		"id": &ddbtypes.AttributeValueMemberS{Value: "customer-2"}}})
	requireKMSDenied(t, "user PutItem", err, userARN, keyARN)
	if _, err := userDDB.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)}); err != nil {
		t.Fatalf("user DescribeTable needs no KMS permission: %v", err)
	}

	events := srv.Audit()
	denied := countEvents(events, func(e audit.Event) bool {
		return e.Source == "kms.amazonaws.com" && e.Name == "Decrypt" && e.Identity.ARN == userARN &&
			e.Identity.InvokedBy == "dynamodb.amazonaws.com" && e.Decision == "Deny" && e.ErrorCode == "AccessDeniedException"
	})
	if denied != 3 {
		t.Fatalf("audit: %d denied Decrypt events for the user invoked by DynamoDB, want 3", denied)
	}
	if n := countEvents(events, func(e audit.Event) bool {
		return e.Name == "Decrypt" && e.Identity.ARN == srv.AdminARN && e.Identity.InvokedBy == "dynamodb.amazonaws.com" && e.Decision == "Allow"
	}); n != 1 {
		t.Fatalf("audit: %d allowed Decrypt events for the admin, want 1 (the cache serves the rest)", n)
	}

	// Part 6: the key policy names the user as key user; access works.
	if _, err := kmsC.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: aws.String(keyARN), PolicyName: aws.String("default"),
		Policy: aws.String(consolePolicy(srv.AccountID, srv.AdminARN, srv.AdminARN, userARN))}); err != nil {
		t.Fatalf("PutKeyPolicy: %v", err)
	}
	got, err := userDDB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: key1})
	if err != nil {
		t.Fatalf("user GetItem after key policy edit: %v", err)
	}
	if name, _ := got.Item["name"].(*ddbtypes.AttributeValueMemberS); name == nil || name.Value != "Ana Silva" {
		t.Fatalf("user GetItem item %v", got.Item)
	}
	if _, err := userDDB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: map[string]ddbtypes.AttributeValue{
		"id": &ddbtypes.AttributeValueMemberS{Value: "customer-2"}}}); err != nil {
		t.Fatalf("user PutItem after key policy edit: %v", err)
	}

	// Part 7: scheduling the key for deletion makes the table unreadable once the cached
	// table keys expire; until then DynamoDB keeps serving, as on AWS.
	if _, err := kmsC.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: aws.String(keyARN), PendingWindowInDays: aws.Int32(7)}); err != nil {
		t.Fatalf("ScheduleKeyDeletion: %v", err)
	}
	before := len(srv.Audit())
	clock.Advance(4 * time.Minute)
	if _, err := ddb.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(table)}); err != nil {
		t.Fatalf("admin Scan with a cached table key: %v", err)
	}
	if n := countEvents(srv.Audit()[before:], func(e audit.Event) bool { return e.Name == "Decrypt" }); n != 0 {
		t.Fatalf("a cached table key still asked KMS %d times", n)
	}
	// DynamoDB asks KMS again only after five minutes of inactivity: the read above
	// kept the admin's table key, so it takes a five-minute pause.
	clock.Advance(5 * time.Minute)
	for _, c := range []struct {
		who string
		cl  *dynamodb.Client
	}{{"admin", ddb}, {"user", userDDB}} {
		_, err = c.cl.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(table)})
		if err == nil {
			t.Fatalf("%s Scan after key deletion was scheduled and the cache expired: succeeded", c.who)
		}
		code, msg := awsErr(t, "call", err)
		want := "KMS key access denied error: com.amazonaws.services.kms.model.KMSInvalidStateException: " + keyARN + " is pending deletion."
		if code != "ValidationException" || !strings.HasPrefix(msg, want) {
			t.Fatalf("%s Scan on a key pending deletion:\n got %s: %s\nwant ValidationException: %s ...", c.who, code, msg, want)
		}
	}
	if _, err := userDDB.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)}); err != nil {
		t.Fatalf("DescribeTable with the key pending deletion: %v", err)
	}

	// The inspector shows ciphertext at rest, never the item.
	at, err := srv.Inspect(table)
	if err != nil {
		t.Fatalf("Inspect: %v", err)
	}
	if at.KMSKeyARN != keyARN || len(at.Items) != 2 || len(at.WrappedTableKey) == 0 {
		t.Fatalf("Inspect: key %s, %d items, %d-byte wrapped key", at.KMSKeyARN, len(at.Items), len(at.WrappedTableKey))
	}
	for _, it := range at.Items {
		for _, v := range []string{"customer-1", "customer-2", "Ana Silva", "1200"} {
			if strings.Contains(string(it.Ciphertext), v) || strings.Contains(string(it.KeyHash), v) {
				t.Fatalf("stored bytes contain %q", v)
			}
		}
	}
}
