package sim_test

import (
	"context"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"kmslab/sim"
)

// TestFullDiskLeavesNoTrace: when the data dir cannot save a change (a full
// disk), the call fails and nothing of it is visible, neither to the next
// request nor after a restart; a retry once the disk has room succeeds,
// where a half-made change would have answered "already exists".
func TestFullDiskLeavesNoTrace(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data")
	srv := startSim(t, sim.Options{DataDir: dir})
	cfg := sdkConfig(srv, srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey)
	cfg.RetryMaxAttempts = 1
	im, km, db := iam.NewFromConfig(cfg), kms.NewFromConfig(cfg), dynamodb.NewFromConfig(cfg)

	// A table to put items in, made while the disk has room.
	tableIn := func(name string) *dynamodb.CreateTableInput {
		return &dynamodb.CreateTableInput{TableName: aws.String(name), BillingMode: ddbtypes.BillingModePayPerRequest,
			AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
			KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: ddbtypes.KeyTypeHash}}}
	}
	if _, err := db.CreateTable(ctx, tableIn("kept")); err != nil {
		t.Fatal(err)
	}
	item := map[string]ddbtypes.AttributeValue{"pk": &ddbtypes.AttributeValueMemberS{Value: "lost"}}

	count := func() (users, keys, tables, items int) {
		t.Helper()
		u, err := im.ListUsers(ctx, &iam.ListUsersInput{})
		if err != nil {
			t.Fatal(err)
		}
		k, err := km.ListKeys(ctx, &kms.ListKeysInput{})
		if err != nil {
			t.Fatal(err)
		}
		tb, err := db.ListTables(ctx, &dynamodb.ListTablesInput{})
		if err != nil {
			t.Fatal(err)
		}
		s, err := db.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("kept")})
		if err != nil {
			t.Fatal(err)
		}
		return len(u.Users), len(k.Keys), len(tb.TableNames), int(s.Count)
	}
	u0, k0, t0, i0 := count()

	sim.FailSaves(srv, syscall.ENOSPC)
	writes := []struct {
		name string
		call func() error
	}{
		{"CreateUser", func() error {
			_, err := im.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("lost")})
			return err
		}},
		{"CreateKey", func() error { _, err := km.CreateKey(ctx, &kms.CreateKeyInput{}); return err }},
		{"CreateTable", func() error { _, err := db.CreateTable(ctx, tableIn("lost")); return err }},
		{"PutItem", func() error {
			_, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("kept"), Item: item})
			return err
		}},
	}
	for _, w := range writes {
		if code, _ := awsErr(t, w.name, w.call()); code != "InternalFailure" {
			t.Errorf("%s on a full disk: %s, want InternalFailure", w.name, code)
		}
	}
	sim.FailSaves(srv, nil)
	if u, k, tb, i := count(); u != u0 || k != k0 || tb != t0 || i != i0 {
		t.Errorf("after the failed writes: %d users, %d keys, %d tables, %d items; want %d, %d, %d, %d", u, k, tb, i, u0, k0, t0, i0)
	}
	// The retries succeed: nothing half made is in their way.
	for _, w := range writes {
		if err := w.call(); err != nil {
			t.Errorf("%s retried once the disk has room: %v", w.name, err)
		}
	}
	if u, k, tb, i := count(); u != u0+1 || k != k0+1 || tb != t0+1 || i != i0+1 {
		t.Errorf("after the retries: %d users, %d keys, %d tables, %d items", u, k, tb, i)
	}
}

type brokenSink struct{}

func (brokenSink) Write([]byte) (int, error) { return 0, syscall.ENOSPC }

// TestFailingAuditSinkKeepsTheTrail: an audit log that cannot be written
// (listed first, as io.MultiWriter would have stopped there) does not keep
// any event from the data dir's trail.
func TestFailingAuditSinkKeepsTheTrail(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data")
	srv := startSim(t, sim.Options{DataDir: dir, AuditSink: brokenSink{}})
	km := kms.NewFromConfig(sdkConfig(srv, srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey))
	for range 3 {
		if _, err := km.CreateKey(ctx, &kms.CreateKeyInput{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := sim.New(sim.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	n := 0
	for _, e := range again.Audit() {
		if e.Name == "CreateKey" {
			n++
		}
	}
	if n != 3 {
		t.Errorf("the data dir's trail holds %d CreateKey events, want 3", n)
	}
}
