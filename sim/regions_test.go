package sim_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"kmslab/sim"
)

// TestRegionsOverTheWire: KMS keys, aliases and DynamoDB tables belong to the
// region a request is signed for, with the region in their ARNs; a table in
// one region uses that region's keys; IAM is the same from everywhere.
func TestRegionsOverTheWire(t *testing.T) {
	ctx := context.Background()
	srv := startSim(t, sim.Options{})
	in := func(region string) aws.Config {
		c := sdkConfig(srv, srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey)
		c.Region = region
		return c
	}
	keyIn := map[string]string{}
	for _, region := range []string{"us-east-1", "eu-west-1", "ap-southeast-2"} {
		k := kms.NewFromConfig(in(region))
		out, err := k.CreateKey(ctx, &kms.CreateKeyInput{Description: aws.String(region)})
		if err != nil {
			t.Fatalf("%s CreateKey: %v", region, err)
		}
		if !strings.HasPrefix(*out.KeyMetadata.Arn, "arn:aws:kms:"+region+":") {
			t.Errorf("%s key ARN %s", region, *out.KeyMetadata.Arn)
		}
		keyIn[region] = *out.KeyMetadata.KeyId
		if _, err := k.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String("alias/same-name"), TargetKeyId: out.KeyMetadata.KeyId}); err != nil {
			t.Fatalf("%s CreateAlias (same name in each region): %v", region, err)
		}
		d := dynamodb.NewFromConfig(in(region))
		_, err = d.CreateTable(ctx, &dynamodb.CreateTableInput{
			TableName:            aws.String("t-" + region),
			AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
			KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: ddbtypes.KeyTypeHash}},
			BillingMode:          ddbtypes.BillingModePayPerRequest,
			SSESpecification:     &ddbtypes.SSESpecification{Enabled: aws.Bool(true), SSEType: ddbtypes.SSETypeKms, KMSMasterKeyId: aws.String("alias/same-name")},
		})
		if err != nil {
			t.Fatalf("%s CreateTable: %v", region, err)
		}
		if _, err := d.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("t-" + region), Item: map[string]ddbtypes.AttributeValue{"pk": s(region)}}); err != nil {
			t.Fatalf("%s PutItem: %v", region, err)
		}
	}
	if _, err := iam.NewFromConfig(in("eu-west-1")).CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("global-user")}); err != nil {
		t.Fatal(err)
	}
	for region, keyID := range keyIn {
		keys, err := kms.NewFromConfig(in(region)).ListKeys(ctx, &kms.ListKeysInput{})
		if err != nil {
			t.Fatal(err)
		}
		if len(keys.Keys) != 1 || *keys.Keys[0].KeyId != keyID {
			t.Errorf("%s ListKeys: %d keys, want only its own", region, len(keys.Keys))
		}
		d := dynamodb.NewFromConfig(in(region))
		tables, err := d.ListTables(ctx, &dynamodb.ListTablesInput{})
		if err != nil {
			t.Fatal(err)
		}
		if len(tables.TableNames) != 1 || tables.TableNames[0] != "t-"+region {
			t.Errorf("%s ListTables = %v", region, tables.TableNames)
		}
		desc, err := d.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("t-" + region)})
		if err != nil {
			t.Fatal(err)
		}
		if arn := *desc.Table.TableArn; !strings.HasPrefix(arn, "arn:aws:dynamodb:"+region+":") {
			t.Errorf("%s table ARN %s", region, arn)
		}
		if got := *desc.Table.SSEDescription.KMSMasterKeyArn; !strings.HasSuffix(got, region+":"+srv.AccountID+":key/"+keyID) {
			t.Errorf("%s table key %s, want its region's key %s", region, got, keyID)
		}
		got, err := d.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("t-" + region), Key: map[string]ddbtypes.AttributeValue{"pk": s(region)}})
		if err != nil || got.Item == nil {
			t.Errorf("%s GetItem: %v, %v", region, got, err)
		}
		users, err := iam.NewFromConfig(in(region)).ListUsers(ctx, &iam.ListUsersInput{})
		if err != nil || len(users.Users) != 2 {
			t.Errorf("%s ListUsers: %d users (%v), want lab-admin and global-user", region, len(users.Users), err)
		}
	}
	// A key named by another region's ARN is not found here.
	foreign := "arn:aws:kms:eu-west-1:" + srv.AccountID + ":key/" + keyIn["eu-west-1"]
	if _, err := kms.NewFromConfig(in("us-east-1")).DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(foreign)}); err == nil {
		t.Error("us-east-1 described a key of eu-west-1")
	}
}
