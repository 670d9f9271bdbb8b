package sim_test

import (
	"context"
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

// deniedLab is a key whose console policy names only the admin, a table
// under it with one item, and a user with AmazonDynamoDBFullAccess only:
// part 5 of the lab, where the user's reads are refused kms:Decrypt.
type deniedLab struct {
	srv                 *sim.Server
	userARN, keyARN     string
	ciphertext          []byte
	userKMS             *kms.Client
	userDDB             *dynamodb.Client
	adminKMS            *kms.Client
	adminIAM            *iam.Client
	clock               *simtest.Clock
	table, keyID, alias string
}

func newDeniedLab(t *testing.T, r *sim.Realism) *deniedLab {
	t.Helper()
	ctx := context.Background()
	clock := simtest.NewClock(time.Now().UTC())
	srv := startSim(t, sim.Options{Clock: clock.Now, KeyCacheTTL: sim.NoKeyCache, Realism: r})
	admin := sdkConfig(srv, srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey)
	l := &deniedLab{srv: srv, clock: clock, adminKMS: kms.NewFromConfig(admin), adminIAM: iam.NewFromConfig(admin), table: "realism-table", alias: "alias/realism"}
	created, err := l.adminKMS.CreateKey(ctx, &kms.CreateKeyInput{Policy: aws.String(consolePolicy(srv.AccountID, srv.AdminARN, srv.AdminARN))})
	if err != nil {
		t.Fatalf("CreateKey: %v", err)
	}
	l.keyARN, l.keyID = *created.KeyMetadata.Arn, *created.KeyMetadata.KeyId
	if _, err := l.adminKMS.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String(l.alias), TargetKeyId: aws.String(l.keyID)}); err != nil {
		t.Fatalf("CreateAlias: %v", err)
	}
	enc, err := l.adminKMS.Encrypt(ctx, &kms.EncryptInput{KeyId: aws.String(l.keyID), Plaintext: []byte("card")})
	if err != nil {
		t.Fatalf("Encrypt: %v", err)
	}
	l.ciphertext = enc.CiphertextBlob
	ddb := dynamodb.NewFromConfig(admin)
	if _, err := ddb.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String(l.table),
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: ddbtypes.KeyTypeHash}},
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		BillingMode:          ddbtypes.BillingModePayPerRequest,
		SSESpecification:     &ddbtypes.SSESpecification{Enabled: aws.Bool(true), SSEType: ddbtypes.SSETypeKms, KMSMasterKeyId: aws.String(l.keyID)},
	}); err != nil {
		t.Fatalf("CreateTable: %v", err)
	}
	if _, err := ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(l.table), Item: map[string]ddbtypes.AttributeValue{"id": &ddbtypes.AttributeValueMemberS{Value: "1"}}}); err != nil {
		t.Fatalf("PutItem: %v", err)
	}
	userARN, key := simtest.CreateUser(ctx, t, l.adminIAM, simtest.User{Name: "realism-user", Managed: []string{"AmazonDynamoDBFullAccess"}})
	l.userARN = userARN
	cfg := noRetry(srv, *key.AccessKeyId, *key.SecretAccessKey)
	l.userKMS, l.userDDB = kms.NewFromConfig(cfg), dynamodb.NewFromConfig(cfg)
	return l
}

// instantIAM is realism with IAM changes visible at once and no throttling,
// for tests of another behaviour.
func instantIAM(seed int64) *sim.Realism {
	return &sim.Realism{Seed: seed, IAM: sim.Off, ThrottleRate: -1}
}

// TestRealismDenialWordings: with realism, KMS refuses in each wording AWS
// has been seen to use, and DynamoDB quotes each, always with the same code;
// without it, in the one wording the tests have always seen.
func TestRealismDenialWordings(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l := newDeniedLab(t, instantIAM(3))
	user, key := l.userARN, l.keyARN
	ciphertext := "The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access."
	decrypt := []string{
		"User: " + user + " is not authorized to perform: kms:Decrypt on resource: " + key + " because no identity-based policy allows the kms:Decrypt action",
		"User: " + user + " is not authorized to perform: kms:Decrypt on resource: " + key,
		"User: " + user + " is not authorized to perform: kms:Decrypt because no identity-based policy allows the kms:Decrypt action",
		ciphertext,
	}
	encrypt := []string{
		"User: " + user + " is not authorized to perform: kms:Encrypt on resource: " + key + " because no identity-based policy allows the kms:Encrypt action",
		"User: " + user + " is not authorized to perform: kms:Encrypt on resource: " + key,
		"User: " + user + " is not authorized to perform: kms:Encrypt because no identity-based policy allows the kms:Encrypt action",
	}
	nobodyARN, nobodyKey := simtest.CreateUser(ctx, t, l.adminIAM, simtest.User{Name: "realism-nobody"})
	nobody := dynamodb.NewFromConfig(noRetry(l.srv, *nobodyKey.AccessKeyId, *nobodyKey.SecretAccessKey))
	tableARN := "arn:aws:dynamodb:" + l.srv.Region + ":" + l.srv.AccountID + ":table/" + l.table
	scan := []string{
		"User: " + nobodyARN + " is not authorized to perform: dynamodb:Scan on resource: " + tableARN + " because no identity-based policy allows the dynamodb:Scan action",
		"User: " + nobodyARN + " is not authorized to perform: dynamodb:Scan on resource: " + tableARN,
	}
	frame := func(msg string) string {
		return "KMS key access denied error: com.amazonaws.services.kms.model.AWSKMSException: " + msg + " (Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException; Request ID: "
	}
	calls := []struct {
		name  string
		call  func() error
		wants []string
		wrap  bool
	}{
		{"kms Decrypt", func() error {
			_, err := l.userKMS.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: l.ciphertext})
			return err
		}, decrypt, false},
		{"kms Encrypt", func() error {
			_, err := l.userKMS.Encrypt(ctx, &kms.EncryptInput{KeyId: aws.String(key), Plaintext: []byte("x")})
			return err
		}, encrypt, false},
		{"dynamodb Scan", func() error {
			_, err := l.userDDB.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(l.table)})
			return err
		}, decrypt, true},
		{"dynamodb Scan without DynamoDB rights", func() error {
			_, err := nobody.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(l.table)})
			return err
		}, scan, false},
	}
	for _, c := range calls {
		seen := map[string]bool{}
		for i := 0; i < 200 && len(seen) < len(c.wants); i++ {
			code, msg := awsErr(t, c.name, c.call())
			if code != "AccessDeniedException" {
				t.Fatalf("%s answered %s: %s", c.name, code, msg)
			}
			found := false
			for _, w := range c.wants {
				if (!c.wrap && msg == w) || (c.wrap && strings.HasPrefix(msg, frame(w))) {
					seen[w], found = true, true
				}
			}
			if !found {
				t.Fatalf("%s answered a wording AWS is not known to use: %s", c.name, msg)
			}
		}
		for _, w := range c.wants {
			if !seen[w] {
				t.Errorf("%s never answered %q", c.name, w)
			}
		}
	}

	off := newDeniedLab(t, nil)
	for range 20 {
		_, err := off.userKMS.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: off.ciphertext})
		if _, msg := awsErr(t, "Decrypt", err); msg != "User: "+off.userARN+" is not authorized to perform: kms:Decrypt on resource: "+off.keyARN+" because no identity-based policy allows the kms:Decrypt action" {
			t.Fatalf("without realism, Decrypt answered %q", msg)
		}
	}
}
