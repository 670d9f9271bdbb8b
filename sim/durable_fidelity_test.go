package sim_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kmslab/sim"
)

// TestDataDirKeepsTablePolicies: a table's resource-based policy and its revision id
// survive a restart with --data-dir, and still take part in authorization.
func TestDataDirKeepsTablePolicies(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data")
	srv1, err := sim.Start(ctx, sim.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	ddb := dynamodb.NewFromConfig(sdkConfig(srv1, srv1.Admin.AccessKeyID, srv1.Admin.SecretAccessKey))
	createTable(t, ddb, "kept", false, nil)
	arn := "arn:aws:dynamodb:" + srv1.Region + ":" + srv1.AccountID + ":table/kept"
	put, err := ddb.PutResourcePolicy(ctx, &dynamodb.PutResourcePolicyInput{ResourceArn: aws.String(arn),
		Policy: aws.String(tablePolicy("Deny", srv1.AdminARN, arn, "dynamodb:Scan"))})
	if err != nil {
		t.Fatalf("PutResourcePolicy: %v", err)
	}
	before, err := ddb.GetResourcePolicy(ctx, &dynamodb.GetResourcePolicyInput{ResourceArn: aws.String(arn)})
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
	ddb = dynamodb.NewFromConfig(sdkConfig(srv2, srv2.Admin.AccessKeyID, srv2.Admin.SecretAccessKey))
	after, err := ddb.GetResourcePolicy(ctx, &dynamodb.GetResourcePolicyInput{ResourceArn: aws.String(arn)})
	if err != nil || aws.ToString(after.RevisionId) != aws.ToString(put.RevisionId) || aws.ToString(after.Policy) != aws.ToString(before.Policy) {
		t.Fatalf("after restart: %v %v, want %v at %v", aws.ToString(after.Policy), err, aws.ToString(before.Policy), aws.ToString(put.RevisionId))
	}
	if _, err := ddb.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("kept")}); err == nil {
		t.Fatal("Scan denied by the restored table policy: succeeded")
	}
}
