package sim_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"kmslab/sim"
)

// TestDeleteTableRetiresItsGrant: the grant DynamoDB takes on a table's
// customer managed key is gone once the table is deleted, and so is the one
// on the old key when the table moves to another.
func TestDeleteTableRetiresItsGrant(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := startSim(t, sim.Options{})
	cfg := sdkConfig(srv, srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey)
	km, db := kms.NewFromConfig(cfg), dynamodb.NewFromConfig(cfg)
	newKey := func() string {
		k, err := km.CreateKey(ctx, &kms.CreateKeyInput{})
		if err != nil {
			t.Fatal(err)
		}
		return *k.KeyMetadata.Arn
	}
	grants := func(key string) int {
		g, err := km.ListGrants(ctx, &kms.ListGrantsInput{KeyId: aws.String(key)})
		if err != nil {
			t.Fatal(err)
		}
		return len(g.Grants)
	}
	first, second := newKey(), newKey()
	if _, err := db.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String("granted"), BillingMode: ddbtypes.BillingModePayPerRequest,
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: ddbtypes.KeyTypeHash}},
		SSESpecification:     &ddbtypes.SSESpecification{Enabled: aws.Bool(true), SSEType: ddbtypes.SSETypeKms, KMSMasterKeyId: aws.String(first)}}); err != nil {
		t.Fatal(err)
	}
	if n := grants(first); n != 1 {
		t.Fatalf("%d grants on the table's key, want DynamoDB's one", n)
	}
	if _, err := db.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("granted"),
		SSESpecification: &ddbtypes.SSESpecification{Enabled: aws.Bool(true), SSEType: ddbtypes.SSETypeKms, KMSMasterKeyId: aws.String(second)}}); err != nil {
		t.Fatal(err)
	}
	if a, b := grants(first), grants(second); a != 0 || b != 1 {
		t.Errorf("after moving the table: %d grants on the old key, %d on the new; want 0 and 1", a, b)
	}
	if _, err := db.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String("granted")}); err != nil {
		t.Fatal(err)
	}
	if n := grants(second); n != 0 {
		t.Errorf("%d grants left on the key after DeleteTable, want 0", n)
	}
}
