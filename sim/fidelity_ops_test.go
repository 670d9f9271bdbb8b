package sim_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"kmslab/sim"
)

const ddbFullAccess = "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"

// The IAM calls a learner makes to inspect a managed policy and to empty a
// user before DeleteUser parse with the real SDK and answer as AWS does.
func TestFidelityIAMInspectionOverTheWire(t *testing.T) {
	ctx := context.Background()
	srv := startSim(t, sim.Options{})
	admin, _ := iamClients(srv, srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey)
	for _, name := range []string{"fid-b", "fid-a"} {
		if _, err := admin.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
			t.Fatalf("CreateUser %s: %v", name, err)
		}
		if _, err := admin.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String(name), PolicyArn: aws.String(ddbFullAccess)}); err != nil {
			t.Fatalf("AttachUserPolicy %s: %v", name, err)
		}
	}

	pol, err := admin.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(ddbFullAccess)})
	if err != nil {
		t.Fatalf("GetPolicy: %v", err)
	}
	versions, err := admin.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: aws.String(ddbFullAccess)})
	if err != nil {
		t.Fatalf("ListPolicyVersions: %v", err)
	}
	if len(versions.Versions) != 1 || aws.ToString(versions.Versions[0].VersionId) != aws.ToString(pol.Policy.DefaultVersionId) ||
		!versions.Versions[0].IsDefaultVersion || versions.Versions[0].CreateDate == nil || versions.Versions[0].Document != nil || versions.IsTruncated {
		t.Fatalf("ListPolicyVersions = %+v", versions)
	}
	// The listed version is the one GetPolicyVersion serves.
	if _, err := admin.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(ddbFullAccess), VersionId: versions.Versions[0].VersionId}); err != nil {
		t.Fatalf("GetPolicyVersion of the listed version: %v", err)
	}

	ents, err := admin.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: aws.String(ddbFullAccess), MaxItems: aws.Int32(1)})
	if err != nil {
		t.Fatalf("ListEntitiesForPolicy: %v", err)
	}
	if len(ents.PolicyUsers) != 1 || aws.ToString(ents.PolicyUsers[0].UserName) != "fid-a" || !ents.IsTruncated || ents.Marker == nil ||
		len(ents.PolicyGroups) != 0 || len(ents.PolicyRoles) != 0 {
		t.Fatalf("ListEntitiesForPolicy page 1 = %+v", ents)
	}
	ents, err = admin.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: aws.String(ddbFullAccess), Marker: ents.Marker})
	if err != nil || len(ents.PolicyUsers) != 1 || aws.ToString(ents.PolicyUsers[0].UserName) != "fid-b" || ents.IsTruncated {
		t.Fatalf("ListEntitiesForPolicy page 2 = %+v, %v", ents, err)
	}
	ents, err = admin.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: aws.String(ddbFullAccess), EntityFilter: iamtypes.EntityTypeRole})
	if err != nil || len(ents.PolicyUsers) != 0 {
		t.Fatalf("ListEntitiesForPolicy(Role) = %+v, %v", ents, err)
	}

	groups, err := admin.ListGroupsForUser(ctx, &iam.ListGroupsForUserInput{UserName: aws.String("fid-a")})
	if err != nil || groups.Groups == nil || len(groups.Groups) != 0 || groups.IsTruncated {
		t.Fatalf("ListGroupsForUser = %+v, %v", groups, err)
	}

	tests := []struct {
		name string
		call func() error
		code string
		msg  string
	}{
		{"versions of an unknown policy", func() error {
			_, err := admin.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/NoSuchPolicy")})
			return err
		}, "NoSuchEntity", "Policy arn:aws:iam::aws:policy/NoSuchPolicy was not found."},
		{"entities of an unknown policy", func() error {
			_, err := admin.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/NoSuchPolicy")})
			return err
		}, "NoSuchEntity", "Policy arn:aws:iam::aws:policy/NoSuchPolicy was not found."},
		{"groups of an unknown user", func() error {
			_, err := admin.ListGroupsForUser(ctx, &iam.ListGroupsForUserInput{UserName: aws.String("nobody")})
			return err
		}, "NoSuchEntity", "The user with name nobody cannot be found."},
	}
	for _, tt := range tests {
		code, msg := awsErr(t, tt.name, tt.call())
		if code != tt.code || msg != tt.msg {
			t.Errorf("%s: %s %q, want %s %q", tt.name, code, msg, tt.code, tt.msg)
		}
	}
}

// KMS: the predefined AWS aliases, and the operations the CLI offers a
// curious learner next to the lab's.
func TestFidelityKMSOverTheWire(t *testing.T) {
	ctx := context.Background()
	srv := startSim(t, sim.Options{})
	c := kms.NewFromConfig(sdkConfig(srv, srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey))

	p := kms.NewListAliasesPaginator(c, &kms.ListAliasesInput{Limit: aws.Int32(5)})
	byName := map[string]kmstypes.AliasListEntry{}
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatalf("ListAliases: %v", err)
		}
		for _, a := range page.Aliases {
			byName[aws.ToString(a.AliasName)] = a
		}
	}
	ddb, ok := byName["alias/aws/dynamodb"]
	if !ok || ddb.TargetKeyId != nil || ddb.CreationDate != nil || aws.ToString(ddb.AliasArn) != "arn:aws:kms:"+srv.Region+":"+srv.AccountID+":alias/aws/dynamodb" {
		t.Fatalf("predefined alias/aws/dynamodb = %+v (present %v)", ddb, ok)
	}
	d, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("alias/aws/dynamodb")})
	if err != nil {
		t.Fatalf("DescribeKey(alias/aws/dynamodb): %v", err)
	}
	if d.KeyMetadata.KeyManager != kmstypes.KeyManagerTypeAws || d.KeyMetadata.KeyState != kmstypes.KeyStateEnabled {
		t.Fatalf("AWS managed key = %+v", d.KeyMetadata)
	}
	al, err := c.ListAliases(ctx, &kms.ListAliasesInput{KeyId: d.KeyMetadata.KeyId})
	if err != nil || len(al.Aliases) != 1 || aws.ToString(al.Aliases[0].TargetKeyId) != aws.ToString(d.KeyMetadata.KeyId) {
		t.Fatalf("ListAliases(KeyId) after DescribeKey = %+v, %v", al, err)
	}

	r, err := c.GenerateRandom(ctx, &kms.GenerateRandomInput{NumberOfBytes: aws.Int32(32)})
	if err != nil || len(r.Plaintext) != 32 {
		t.Fatalf("GenerateRandom = %+v, %v", r, err)
	}
	k, err := c.CreateKey(ctx, &kms.CreateKeyInput{Description: aws.String("before")})
	if err != nil {
		t.Fatalf("CreateKey: %v", err)
	}
	if _, err := c.UpdateKeyDescription(ctx, &kms.UpdateKeyDescriptionInput{KeyId: k.KeyMetadata.KeyId, Description: aws.String("after")}); err != nil {
		t.Fatalf("UpdateKeyDescription: %v", err)
	}
	if d, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: k.KeyMetadata.Arn}); err != nil || aws.ToString(d.KeyMetadata.Description) != "after" {
		t.Fatalf("DescribeKey after UpdateKeyDescription = %+v, %v", d, err)
	}
	if _, err := c.CreateGrant(ctx, &kms.CreateGrantInput{KeyId: k.KeyMetadata.KeyId, GranteePrincipal: aws.String(srv.AdminARN),
		RetiringPrincipal: aws.String(srv.AdminARN), Operations: []kmstypes.GrantOperation{kmstypes.GrantOperationDecrypt}}); err != nil {
		t.Fatalf("CreateGrant: %v", err)
	}
	rg, err := c.ListRetirableGrants(ctx, &kms.ListRetirableGrantsInput{RetiringPrincipal: aws.String(srv.AdminARN)})
	if err != nil || len(rg.Grants) != 1 || aws.ToString(rg.Grants[0].KeyId) != aws.ToString(k.KeyMetadata.Arn) || rg.Truncated {
		t.Fatalf("ListRetirableGrants = %+v, %v", rg, err)
	}
}

// DynamoDB: CreateTable answers CREATING (the waiter then sees ACTIVE), and
// INDEXES capacity carries the per-table breakdown.
func TestFidelityDynamoDBOverTheWire(t *testing.T) {
	ctx := context.Background()
	srv := startSim(t, sim.Options{})
	c := dynamodb.NewFromConfig(sdkConfig(srv, srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey))
	out, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("fidelity"),
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: ddbtypes.KeyTypeHash}},
		BillingMode:          ddbtypes.BillingModePayPerRequest,
	})
	if err != nil || out.TableDescription.TableStatus != ddbtypes.TableStatusCreating {
		t.Fatalf("CreateTable = %+v, %v; AWS answers CREATING", out, err)
	}
	d, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("fidelity")})
	if err != nil || d.Table.TableStatus != ddbtypes.TableStatusActive {
		t.Fatalf("DescribeTable = %+v, %v", d, err)
	}
	put, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("fidelity"),
		Item:                   map[string]ddbtypes.AttributeValue{"id": s("a")},
		ReturnConsumedCapacity: ddbtypes.ReturnConsumedCapacityIndexes})
	if err != nil || put.ConsumedCapacity == nil || put.ConsumedCapacity.Table == nil ||
		aws.ToFloat64(put.ConsumedCapacity.Table.CapacityUnits) != aws.ToFloat64(put.ConsumedCapacity.CapacityUnits) {
		t.Fatalf("PutItem INDEXES capacity = %+v, %v", put, err)
	}
}
