package sim_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"kmslab/sim"
)

const plaintextMark = "plaintext-that-must-never-reach-the-disk"

// TestDataDirRestart: with a data dir, a restarted offline AWS has every IAM
// user, key and policy, every KMS key, alias and grant, every table in every
// region and reads the items written before, through the real SDK; the old
// admin credentials and the test user's key still work; the audit trail goes
// on; the data dir is private and holds no item plaintext.
func TestDataDirRestart(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data")
	srv1, err := sim.Start(ctx, sim.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	admin := srv1.Admin
	cfg := func(srv *sim.Server, region, id, secret string) aws.Config {
		c := sdkConfig(srv, id, secret)
		c.Region = region
		return c
	}
	// IAM: a user with an inline policy and an access key.
	im := iam.NewFromConfig(cfg(srv1, "us-east-1", admin.AccessKeyID, admin.SecretAccessKey))
	if _, err := im.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("reader")}); err != nil {
		t.Fatal(err)
	}
	if _, err := im.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("reader"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess")}); err != nil {
		t.Fatal(err)
	}
	if _, err := im.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("reader"), PolicyName: aws.String("kms-use"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	// A customer managed policy with a second, default version, attached.
	const polDoc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:DescribeTable","Resource":"*"}]}`
	cmp, err := im.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("restart-pol"), PolicyDocument: aws.String(polDoc)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := im.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: cmp.Policy.Arn, PolicyDocument: aws.String(polDoc), SetAsDefault: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := im.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("reader"), PolicyArn: cmp.Policy.Arn}); err != nil {
		t.Fatal(err)
	}
	ak, err := im.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("reader")})
	if err != nil {
		t.Fatal(err)
	}
	// KMS and DynamoDB in two regions, items in both.
	keyARN := map[string]string{}
	for _, region := range []string{"us-east-1", "eu-west-1"} {
		k := kms.NewFromConfig(cfg(srv1, region, admin.AccessKeyID, admin.SecretAccessKey))
		key, err := k.CreateKey(ctx, &kms.CreateKeyInput{Description: aws.String("restart " + region)})
		if err != nil {
			t.Fatal(err)
		}
		keyARN[region] = *key.KeyMetadata.Arn
		if _, err := k.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String("alias/restart"), TargetKeyId: key.KeyMetadata.KeyId}); err != nil {
			t.Fatal(err)
		}
		d := dynamodb.NewFromConfig(cfg(srv1, region, admin.AccessKeyID, admin.SecretAccessKey))
		if _, err := d.CreateTable(ctx, &dynamodb.CreateTableInput{
			TableName:            aws.String("restart"),
			AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: ddbtypes.ScalarAttributeTypeS}, {AttributeName: aws.String("sk"), AttributeType: ddbtypes.ScalarAttributeTypeN}},
			KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: ddbtypes.KeyTypeHash}, {AttributeName: aws.String("sk"), KeyType: ddbtypes.KeyTypeRange}},
			BillingMode:          ddbtypes.BillingModePayPerRequest,
			SSESpecification:     &ddbtypes.SSESpecification{Enabled: aws.Bool(true), SSEType: ddbtypes.SSETypeKms, KMSMasterKeyId: aws.String("alias/restart")},
		}); err != nil {
			t.Fatal(err)
		}
		for i, sk := range []string{"1", "2", "3"} {
			if _, err := d.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("restart"), Item: map[string]ddbtypes.AttributeValue{
				"pk": s(region), "sk": n(sk), "secret": s(plaintextMark), "i": n(sk),
			}}); err != nil {
				t.Fatalf("put %d: %v", i, err)
			}
		}
		if _, err := d.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("restart"), Key: map[string]ddbtypes.AttributeValue{"pk": s(region), "sk": n("2")}}); err != nil {
			t.Fatal(err)
		}
		if _, err := d.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("restart"), Key: map[string]ddbtypes.AttributeValue{"pk": s(region), "sk": n("3")},
			UpdateExpression: aws.String("SET i = :v"), ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":v": n("33")}}); err != nil {
			t.Fatal(err)
		}
	}
	// A table that is gone before the restart stays gone.
	d1 := dynamodb.NewFromConfig(cfg(srv1, "us-east-1", admin.AccessKeyID, admin.SecretAccessKey))
	createTable(t, d1, "short-lived", false, nil)
	if _, err := d1.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("short-lived"), Item: map[string]ddbtypes.AttributeValue{"pk": s("x")}}); err != nil {
		t.Fatal(err)
	}
	if _, err := d1.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String("short-lived")}); err != nil {
		t.Fatal(err)
	}
	events := srv1.Audit()
	if err := srv1.Close(); err != nil {
		t.Fatal(err)
	}

	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("data dir mode %v (%v), want 0700", fi.Mode().Perm(), err)
	}
	files, _ := os.ReadDir(dir)
	for _, f := range files {
		fi, _ := f.Info()
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v, want 0600", f.Name(), fi.Mode().Perm())
		}
		b, _ := os.ReadFile(filepath.Join(dir, f.Name()))
		if bytes.Contains(b, []byte(plaintextMark)) {
			t.Errorf("%s holds an item's plaintext", f.Name())
		}
	}

	srv2, err := sim.Start(ctx, sim.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer srv2.Close()
	if srv2.Admin.AccessKeyID != admin.AccessKeyID || srv2.Admin.SecretAccessKey != admin.SecretAccessKey {
		t.Fatal("the restarted server has other admin credentials than the saved admin")
	}
	// The trail goes on where it stopped: the old events first, in order.
	trail := srv2.Audit()
	if len(trail) < len(events) {
		t.Fatalf("audit trail after restart has %d events, had %d", len(trail), len(events))
	}
	for i, e := range events {
		if trail[i].RequestID != e.RequestID || trail[i].Name != e.Name {
			t.Fatalf("audit event %d after restart is %s %s, was %s %s", i, trail[i].Name, trail[i].RequestID, e.Name, e.RequestID)
		}
	}
	im2 := iam.NewFromConfig(cfg(srv2, "us-east-1", admin.AccessKeyID, admin.SecretAccessKey))
	pol, err := im2.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: aws.String("reader"), PolicyName: aws.String("kms-use")})
	if err != nil || !strings.Contains(*pol.PolicyDocument, "kms") {
		t.Fatalf("inline policy after restart: %v", err)
	}
	got, err := im2.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: cmp.Policy.Arn})
	if err != nil || *got.Policy.DefaultVersionId != "v2" || *got.Policy.AttachmentCount != 1 {
		t.Fatalf("customer managed policy after restart: %+v, %v", got, err)
	}
	for _, region := range []string{"us-east-1", "eu-west-1"} {
		// The test user reads with the key made before the restart: IAM
		// (access key, managed and inline policies), the key policy and the
		// table key all came back.
		d := dynamodb.NewFromConfig(cfg(srv2, region, *ak.AccessKey.AccessKeyId, *ak.AccessKey.SecretAccessKey))
		out, err := d.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("restart"),
			KeyConditionExpression: aws.String("pk = :p"), ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":p": s(region)}})
		if err != nil {
			t.Fatalf("%s query after restart: %v", region, err)
		}
		if len(out.Items) != 2 {
			t.Fatalf("%s: %d items after restart, want 2", region, len(out.Items))
		}
		if v := out.Items[1]["i"].(*ddbtypes.AttributeValueMemberN).Value; v != "33" {
			t.Errorf("%s: updated attribute %s, want 33", region, v)
		}
		desc, err := d.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("restart")})
		if err != nil || *desc.Table.SSEDescription.KMSMasterKeyArn != keyARN[region] || *desc.Table.ItemCount != 2 {
			t.Errorf("%s DescribeTable after restart: %+v, %v", region, desc, err)
		}
		k := kms.NewFromConfig(cfg(srv2, region, admin.AccessKeyID, admin.SecretAccessKey))
		aliases, err := k.ListAliases(ctx, &kms.ListAliasesInput{})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, a := range aliases.Aliases {
			found = found || *a.AliasName == "alias/restart" && *a.TargetKeyId == keyARN[region][strings.LastIndexByte(keyARN[region], '/')+1:]
		}
		if !found {
			t.Errorf("%s: alias/restart lost", region)
		}
		grants, err := k.ListGrants(ctx, &kms.ListGrantsInput{KeyId: aws.String(keyARN[region])})
		if err != nil || len(grants.Grants) == 0 {
			t.Errorf("%s: DynamoDB's grant lost (%v)", region, err)
		}
		// Key material came back: encrypt now, decrypt works, and with the same key.
		enc, err := k.Encrypt(ctx, &kms.EncryptInput{KeyId: aws.String("alias/restart"), Plaintext: []byte("x")})
		if err != nil || *enc.KeyId != keyARN[region] {
			t.Errorf("%s encrypt after restart: %v", region, err)
		}
	}
	tables, err := dynamodb.NewFromConfig(cfg(srv2, "us-east-1", admin.AccessKeyID, admin.SecretAccessKey)).ListTables(ctx, &dynamodb.ListTablesInput{})
	if err != nil || len(tables.TableNames) != 1 {
		t.Errorf("tables after restart: %v (%v), want only restart", tables.TableNames, err)
	}
}

// TestDataDirInUse: a second server on the same data dir is refused.
func TestDataDirInUse(t *testing.T) {
	dir := t.TempDir()
	srv, err := sim.New(sim.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if _, err := sim.New(sim.Options{DataDir: dir}); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("second server on one data dir: %v", err)
	}
}

// TestDataDirRekeyedTable: a table moved to another KMS key has every item
// re-encrypted; the data dir follows (old ciphertexts replaced), so the items
// read back after a restart, as do those written after the move, and a
// table deleted and created again under the same name starts empty.
func TestDataDirRekeyedTable(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	srv1, err := sim.Start(ctx, sim.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	d := dynamodb.NewFromConfig(sdkConfig(srv1, srv1.Admin.AccessKeyID, srv1.Admin.SecretAccessKey))
	createTable(t, d, "moved", false, nil)
	put := func(d *dynamodb.Client, table, pk string) {
		t.Helper()
		if _, err := d.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: map[string]ddbtypes.AttributeValue{"pk": s(pk)}}); err != nil {
			t.Fatal(err)
		}
	}
	put(d, "moved", "before")
	if _, err := d.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("moved"),
		SSESpecification: &ddbtypes.SSESpecification{Enabled: aws.Bool(true), SSEType: ddbtypes.SSETypeKms}}); err != nil {
		t.Fatal(err)
	}
	put(d, "moved", "after")
	createTable(t, d, "again", false, nil)
	put(d, "again", "old")
	if _, err := d.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String("again")}); err != nil {
		t.Fatal(err)
	}
	createTable(t, d, "again", false, nil)
	before, err := srv1.Inspect("moved")
	if err != nil {
		t.Fatal(err)
	}
	if err := srv1.Close(); err != nil {
		t.Fatal(err)
	}

	srv2, err := sim.Start(ctx, sim.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer srv2.Close()
	after, err := srv2.Inspect("moved")
	if err != nil {
		t.Fatal(err)
	}
	if len(after.Items) != 2 || !bytes.Equal(after.WrappedTableKey, before.WrappedTableKey) {
		t.Fatalf("moved table after restart: %d items, same table key %v", len(after.Items), bytes.Equal(after.WrappedTableKey, before.WrappedTableKey))
	}
	for i := range before.Items {
		if !bytes.Equal(before.Items[i].Ciphertext, after.Items[i].Ciphertext) {
			t.Errorf("item %d at rest differs after restart", i)
		}
	}
	d2 := dynamodb.NewFromConfig(sdkConfig(srv2, srv2.Admin.AccessKeyID, srv2.Admin.SecretAccessKey))
	for _, pk := range []string{"before", "after"} {
		out, err := d2.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("moved"), Key: map[string]ddbtypes.AttributeValue{"pk": s(pk)}})
		if err != nil || out.Item == nil {
			t.Errorf("GetItem %s after restart: found %v, err %v", pk, err == nil && out.Item != nil, err)
		}
	}
	scan, err := d2.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("again")})
	if err != nil || scan.Count != 0 {
		t.Errorf("re-created table after restart: %d items (%v), want 0", scan.Count, err)
	}
}

// TestDataDirMustBePrivate: a data dir with content that others can read is
// refused, not silently used or changed; a new or empty one is made 0700.
func TestDataDirMustBePrivate(t *testing.T) {
	open := t.TempDir()
	if err := os.WriteFile(filepath.Join(open, "notes.txt"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(open, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := sim.New(sim.Options{DataDir: open}); err == nil || !strings.Contains(err.Error(), "chmod 700") {
		t.Fatalf("data dir with mode 0755: %v", err)
	}
	if fi, _ := os.Stat(open); fi.Mode().Perm() != 0o755 {
		t.Errorf("the refused dir's mode changed to %v", fi.Mode().Perm())
	}
	empty := t.TempDir()
	if err := os.Chmod(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{filepath.Join(t.TempDir(), "a", "b"), empty} {
		srv, err := sim.New(sim.Options{DataDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		_ = srv.Close()
		if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 {
			t.Errorf("data dir %s mode %v, want 0700", dir, fi.Mode().Perm())
		}
	}
}

// TestDataDirKeepsItsAccount: a data dir resumes only as the account it holds.
func TestDataDirKeepsItsAccount(t *testing.T) {
	dir := t.TempDir()
	srv, err := sim.New(sim.Options{DataDir: dir, AccountID: "123456789012"})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := sim.New(sim.Options{DataDir: dir}); err == nil || !strings.Contains(err.Error(), "--account-id 123456789012") {
		t.Fatalf("other account on the data dir: %v", err)
	}
	srv, err = sim.New(sim.Options{DataDir: dir, AccountID: "123456789012"})
	if err != nil {
		t.Fatal(err)
	}
	_ = srv.Close()
}

// TestDataDirRefusesSeed: a seeded random stream restarts where it began, so
// it would hand out the saved ids again.
func TestDataDirRefusesSeed(t *testing.T) {
	if _, err := sim.New(sim.Options{DataDir: t.TempDir(), Rand: bytes.NewReader(make([]byte, 1<<16))}); err == nil {
		t.Fatal("a seeded server accepted a data dir")
	}
}

// TestDataDirSecondaryIndex: a table's secondary index survives a restart
// and answers a Query (its membership is counted again from the items).
func TestDataDirSecondaryIndex(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	srv1, err := sim.Start(ctx, sim.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	d := dynamodb.NewFromConfig(sdkConfig(srv1, srv1.Admin.AccessKeyID, srv1.Admin.SecretAccessKey))
	_, err = d.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName: aws.String("indexed"),
		AttributeDefinitions: []ddbtypes.AttributeDefinition{
			{AttributeName: aws.String("pk"), AttributeType: ddbtypes.ScalarAttributeTypeS},
			{AttributeName: aws.String("g"), AttributeType: ddbtypes.ScalarAttributeTypeS},
		},
		KeySchema:   []ddbtypes.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: ddbtypes.KeyTypeHash}},
		BillingMode: ddbtypes.BillingModePayPerRequest,
		GlobalSecondaryIndexes: []ddbtypes.GlobalSecondaryIndex{{
			IndexName:  aws.String("by-g"),
			KeySchema:  []ddbtypes.KeySchemaElement{{AttributeName: aws.String("g"), KeyType: ddbtypes.KeyTypeHash}},
			Projection: &ddbtypes.Projection{ProjectionType: ddbtypes.ProjectionTypeAll},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, pk := range []string{"a", "b", "c"} {
		g := "odd"
		if pk == "b" {
			g = "even"
		}
		if _, err := d.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("indexed"), Item: map[string]ddbtypes.AttributeValue{"pk": s(pk), "g": s(g)}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := srv1.Close(); err != nil {
		t.Fatal(err)
	}
	srv2, err := sim.Start(ctx, sim.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer srv2.Close()
	d2 := dynamodb.NewFromConfig(sdkConfig(srv2, srv2.Admin.AccessKeyID, srv2.Admin.SecretAccessKey))
	out, err := d2.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("indexed"), IndexName: aws.String("by-g"),
		KeyConditionExpression: aws.String("g = :g"), ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":g": s("odd")}})
	if err != nil || out.Count != 2 {
		t.Fatalf("index query after restart: %d items, %v; want 2", out.Count, err)
	}
	desc, err := d2.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("indexed")})
	if err != nil || len(desc.Table.GlobalSecondaryIndexes) != 1 || *desc.Table.GlobalSecondaryIndexes[0].ItemCount != 3 {
		t.Fatalf("DescribeTable after restart: %+v, %v", desc.Table.GlobalSecondaryIndexes, err)
	}
}
