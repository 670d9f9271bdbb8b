package awsops_test

import (
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

	"kmslab/awsops"
	"kmslab/awsops/ledger"
	"kmslab/sim"
)

// TestForgedLedgerWithMatchingRunID: a hand-written ledger whose run id
// matches the names of someone else's untagged user, table and alias makes
// cleanup refuse each of them: within the lab's names, only the run's tag
// makes a resource the run's.
func TestForgedLedgerWithMatchingRunID(t *testing.T) {
	e := startSim(t, sim.Options{})
	ctx := context.Background()
	ic, dc, kc := iam.NewFromConfig(e.cfg), dynamodb.NewFromConfig(e.cfg), kms.NewFromConfig(e.cfg)
	const run = "yyy222"
	names := ledger.NewNames(run)
	if _, err := ic.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(names.User)}); err != nil {
		t.Fatal(err)
	}
	if _, err := ic.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(names.User)}); err != nil {
		t.Fatal(err)
	}
	if _, err := dc.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String(names.Table),
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: ddbtypes.KeyTypeHash}},
		BillingMode:          ddbtypes.BillingModePayPerRequest,
		// Tagged, but for another run: not ours either.
		Tags: []ddbtypes.Tag{{Key: aws.String(ledger.TagKey), Value: aws.String("other")}},
	}); err != nil {
		t.Fatal(err)
	}
	k, err := kc.CreateKey(ctx, &kms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kc.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String(names.Alias), TargetKeyId: k.KeyMetadata.KeyId}); err != nil {
		t.Fatal(err)
	}

	forged := `{"version":1,"run_id":"` + run + `","created":"2026-01-01T00:00:00Z","resources":[` +
		`{"kind":"` + ledger.KindAccessKey + `","user":"` + names.User + `","state":"created","updated":"2026-01-01T00:00:00Z"},` +
		`{"kind":"` + ledger.KindUser + `","name":"` + names.User + `","state":"created","updated":"2026-01-01T00:00:00Z"},` +
		`{"kind":"` + ledger.KindTable + `","name":"` + names.Table + `","state":"created","updated":"2026-01-01T00:00:00Z"},` +
		`{"kind":"` + ledger.KindAlias + `","name":"` + names.Alias + `","state":"created","updated":"2026-01-01T00:00:00Z"},` +
		`{"kind":"` + ledger.KindKey + `","name":"` + aws.ToString(k.KeyMetadata.KeyId) + `","state":"created","updated":"2026-01-01T00:00:00Z"}]}`
	if err := os.MkdirAll(filepath.Join(e.stateDir, "runs"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(e.stateDir, "runs", run+".json"), []byte(forged), 0o600); err != nil {
		t.Fatal(err)
	}

	left, err := ledger.Leftovers(ctx, e.cfg, e.stateDir)
	if err != nil {
		t.Fatal(err)
	}
	report, err := awsops.CleanupLeftovers(ctx, e.cfg, e.stateDir, left, nil)
	if err == nil {
		t.Fatalf("cleanup of a forged ledger reported no refusal: %+v", report)
	}
	skipped := map[string]bool{}
	for _, f := range report.Resources {
		if strings.HasPrefix(f.Outcome, "skipped") {
			skipped[f.Kind] = true
		} else {
			t.Errorf("acted on %s %s: %s", f.Kind, f.Name, f.Outcome)
		}
	}
	for _, kind := range []string{ledger.KindUser, ledger.KindTable, ledger.KindAlias, ledger.KindKey} {
		if !skipped[kind] {
			t.Errorf("no refusal for the %s", kind)
		}
	}
	keys, err := ic.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String(names.User)})
	if err != nil || len(keys.AccessKeyMetadata) != 1 {
		t.Errorf("the look-alike user or its key was touched: %v", err)
	}
	if _, err := dc.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(names.Table)}); err != nil {
		t.Errorf("the look-alike table was removed: %v", err)
	}
	if d, err := kc.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(names.Alias)}); err != nil || d.KeyMetadata.KeyState != "Enabled" {
		t.Errorf("the untagged key or its alias was touched: %v", err)
	}
	// The ledger stays: nothing it lists was removed.
	if _, err := os.Stat(filepath.Join(e.stateDir, "runs", run+".json")); err != nil {
		t.Errorf("ledger: %v", err)
	}
}
