package sim_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/smithy-go"

	"kmslab/internal/simtest"
	"kmslab/sim"
)

// kmsEnv is a running offline AWS with admin clients and a test user holding
// only AmazonDynamoDBFullAccess, created through IAM as the lab does.
type kmsEnv struct {
	srv      *sim.Server
	clock    *simtest.Clock
	admin    *kms.Client
	user     *kms.Client
	userARN  string
	adminARN string
}

func newKMSEnv(t *testing.T, policyDelay time.Duration) *kmsEnv {
	t.Helper()
	ctx := context.Background()
	clock := simtest.NewClock(time.Now())
	srv := startSim(t, sim.Options{Clock: clock.Now, KeyPolicyDelay: policyDelay})
	adminCfg := sdkConfig(srv, srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey)
	userARN, key := simtest.CreateUser(ctx, t, iam.NewFromConfig(adminCfg), simtest.User{Name: "kmslab-user-e2e", Managed: []string{"AmazonDynamoDBFullAccess"}})
	return &kmsEnv{
		srv:      srv,
		clock:    clock,
		admin:    kms.NewFromConfig(adminCfg),
		user:     kms.NewFromConfig(sdkConfig(srv, *key.AccessKeyId, *key.SecretAccessKey)),
		userARN:  userARN,
		adminARN: srv.AdminARN,
	}
}

// TestKMSLabOverTheWire is the KMS half of the lab with the real SDK: a key
// whose console-style policy names the admin, a user with DynamoDB full access
// refused kms:Decrypt until the key policy names them, and the lockout check.
func TestKMSLabOverTheWire(t *testing.T) {
	e := newKMSEnv(t, 0)
	ctx := context.Background()
	admins := []string{e.adminARN}
	created, err := e.admin.CreateKey(ctx, &kms.CreateKeyInput{
		Description: aws.String("kmslab e2e"),
		Policy:      aws.String(simtest.ConsolePolicy(e.srv.AccountID, admins, admins)),
		Tags:        []kmstypes.Tag{{TagKey: aws.String("kmslab:run"), TagValue: aws.String("e2e")}},
	})
	if err != nil {
		t.Fatalf("CreateKey: %v", err)
	}
	md := created.KeyMetadata
	if md.KeyState != kmstypes.KeyStateEnabled || md.KeySpec != kmstypes.KeySpecSymmetricDefault ||
		md.KeyManager != kmstypes.KeyManagerTypeCustomer || md.Origin != kmstypes.OriginTypeAwsKms || !md.Enabled ||
		md.CreationDate == nil || time.Since(*md.CreationDate) > time.Minute || *md.AWSAccountId != e.srv.AccountID {
		t.Fatalf("KeyMetadata: %+v", md)
	}
	keyARN := *md.Arn
	if _, err := e.admin.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String("alias/kmslab-e2e"), TargetKeyId: md.KeyId}); err != nil {
		t.Fatalf("CreateAlias: %v", err)
	}
	byAlias, err := e.admin.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("alias/kmslab-e2e")})
	if err != nil || *byAlias.KeyMetadata.Arn != keyARN {
		t.Fatalf("DescribeKey by alias: %v", err)
	}

	encCtx := map[string]string{"lab": "kmslab"}
	enc, err := e.admin.Encrypt(ctx, &kms.EncryptInput{KeyId: aws.String("alias/kmslab-e2e"), Plaintext: []byte("card 4111"), EncryptionContext: encCtx})
	if err != nil {
		t.Fatalf("Encrypt: %v", err)
	}
	dec, err := e.admin.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob, EncryptionContext: encCtx})
	if err != nil || string(dec.Plaintext) != "card 4111" || *dec.KeyId != keyARN {
		t.Fatalf("admin Decrypt: %v", err)
	}

	// The user's AmazonDynamoDBFullAccess allows kms:DescribeKey, not kms:Decrypt.
	if _, err := e.user.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: md.KeyId}); err != nil {
		t.Fatalf("user DescribeKey: %v", err)
	}
	_, err = e.user.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob, EncryptionContext: encCtx})
	code, msg := awsErr(t, "user Decrypt", err)
	want := "User: " + e.userARN + " is not authorized to perform: kms:Decrypt on resource: " + keyARN +
		" because no identity-based policy allows the kms:Decrypt action"
	if code != "AccessDeniedException" || msg != want {
		t.Fatalf("user Decrypt:\n got %s: %s\nwant AccessDeniedException: %s", code, msg, want)
	}

	// The admin adds the user to "Allow use of the key".
	if _, err := e.admin.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: md.KeyId,
		Policy: aws.String(simtest.ConsolePolicy(e.srv.AccountID, admins, []string{e.adminARN, e.userARN}))}); err != nil {
		t.Fatalf("PutKeyPolicy: %v", err)
	}
	dec, err = e.user.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob, EncryptionContext: encCtx})
	if err != nil || string(dec.Plaintext) != "card 4111" {
		t.Fatalf("user Decrypt after PutKeyPolicy: %v", err)
	}

	// A policy that names only the user would lock the admin out: refused.
	var malformed *kmstypes.MalformedPolicyDocumentException
	onlyUser := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + e.userARN + `"},"Action":"kms:*","Resource":"*"}]}`
	_, err = e.admin.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: md.KeyId, Policy: aws.String(onlyUser)})
	if !errors.As(err, &malformed) || malformed.ErrorMessage() != "The new key policy will not allow you to update the key policy in the future." {
		t.Fatalf("lockout PutKeyPolicy: %v", err)
	}
	ghost := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["` + e.adminARN + `","arn:aws:iam::` + e.srv.AccountID + `:user/ghost"]},"Action":"kms:*","Resource":"*"}]}`
	_, err = e.admin.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: md.KeyId, Policy: aws.String(ghost)})
	if !errors.As(err, &malformed) || malformed.ErrorMessage() != "Policy contains a statement with one or more invalid principals." {
		t.Fatalf("unknown principal PutKeyPolicy: %v", err)
	}
	got, err := e.admin.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: md.KeyId})
	if err != nil || *got.Policy != simtest.ConsolePolicy(e.srv.AccountID, admins, []string{e.adminARN, e.userARN}) || *got.PolicyName != "default" {
		t.Fatalf("GetKeyPolicy after refusals: %v", err)
	}

	// Typed errors, found with errors.As as awsops does.
	var notFound *kmstypes.NotFoundException
	_, err = e.admin.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("alias/nope")})
	if !errors.As(err, &notFound) || notFound.ErrorMessage() != "Alias arn:aws:kms:"+e.srv.Region+":"+e.srv.AccountID+":alias/nope is not found." {
		t.Fatalf("DescribeKey unknown alias: %v", err)
	}
	var exists *kmstypes.AlreadyExistsException
	_, err = e.admin.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String("alias/kmslab-e2e"), TargetKeyId: md.KeyId})
	if !errors.As(err, &exists) {
		t.Fatalf("CreateAlias twice: %v", err)
	}
	var badCipher *kmstypes.InvalidCiphertextException
	_, err = e.admin.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob, EncryptionContext: map[string]string{"lab": "other"}})
	if !errors.As(err, &badCipher) {
		t.Fatalf("Decrypt with the wrong context: %v", err)
	}
	var validation smithy.APIError
	_, err = e.admin.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: md.KeyId, PendingWindowInDays: aws.Int32(3)})
	if !errors.As(err, &validation) || validation.ErrorCode() != "ValidationException" {
		t.Fatalf("ScheduleKeyDeletion 3 days: %v", err)
	}

	if _, err := e.admin.DisableKey(ctx, &kms.DisableKeyInput{KeyId: md.KeyId}); err != nil {
		t.Fatalf("DisableKey: %v", err)
	}
	var disabled *kmstypes.DisabledException
	_, err = e.user.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob, EncryptionContext: encCtx})
	if !errors.As(err, &disabled) || disabled.ErrorMessage() != keyARN+" is disabled." {
		t.Fatalf("Decrypt with a disabled key: %v", err)
	}
	if _, err := e.admin.EnableKey(ctx, &kms.EnableKeyInput{KeyId: md.KeyId}); err != nil {
		t.Fatalf("EnableKey: %v", err)
	}
	sched, err := e.admin.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: md.KeyId, PendingWindowInDays: aws.Int32(7)})
	if err != nil || sched.KeyState != kmstypes.KeyStatePendingDeletion || sched.DeletionDate == nil ||
		sched.DeletionDate.Sub(e.clock.Now()) < 7*24*time.Hour-time.Second {
		t.Fatalf("ScheduleKeyDeletion: %+v %v", sched, err)
	}
	var invalidState *kmstypes.KMSInvalidStateException
	_, err = e.user.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob, EncryptionContext: encCtx})
	if !errors.As(err, &invalidState) || invalidState.ErrorMessage() != keyARN+" is pending deletion." {
		t.Fatalf("Decrypt with a key pending deletion: %v", err)
	}
	if _, err := e.admin.CancelKeyDeletion(ctx, &kms.CancelKeyDeletionInput{KeyId: md.KeyId}); err != nil {
		t.Fatalf("CancelKeyDeletion: %v", err)
	}
	after, err := e.admin.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: md.KeyId})
	if err != nil || after.KeyMetadata.KeyState != kmstypes.KeyStateDisabled || after.KeyMetadata.DeletionDate != nil {
		t.Fatalf("after CancelKeyDeletion: %v", err)
	}

	// The audit trail holds the user's refused Decrypt, with no plaintext.
	var denied, allowed bool
	for _, ev := range e.srv.Audit() {
		if ev.Source != "kms.amazonaws.com" || ev.Name != "Decrypt" || ev.Identity.ARN != e.userARN {
			continue
		}
		if ev.Decision == "Deny" && ev.ErrorCode == "AccessDeniedException" && ev.ErrorMessage == want &&
			len(ev.Resources) == 1 && ev.Resources[0] == keyARN {
			denied = true
		}
		if ev.Decision == "Allow" && ev.ErrorCode == "" {
			allowed = true
		}
		if b, _ := json.Marshal(ev); bytes.Contains(b, []byte("card 4111")) {
			t.Fatalf("plaintext in the audit trail: %s", b)
		}
	}
	if !denied || !allowed {
		t.Fatalf("audit trail: denied Decrypt %v, allowed Decrypt %v", denied, allowed)
	}
}

// TestKMSKeyPolicyDelay: a key policy edit takes KeyPolicyDelay to apply, as
// on AWS where new key-policy principals take seconds to propagate.
func TestKMSKeyPolicyDelay(t *testing.T) {
	const delay = 30 * time.Second
	e := newKMSEnv(t, delay)
	ctx := context.Background()
	admins := []string{e.adminARN}
	created, err := e.admin.CreateKey(ctx, &kms.CreateKeyInput{Policy: aws.String(simtest.ConsolePolicy(e.srv.AccountID, admins, admins))})
	if err != nil {
		t.Fatalf("CreateKey: %v", err)
	}
	id := created.KeyMetadata.KeyId
	// GenerateDataKey for the user is refused first.
	_, err = e.user.GenerateDataKey(ctx, &kms.GenerateDataKeyInput{KeyId: id, KeySpec: kmstypes.DataKeySpecAes256})
	if code, _ := awsErr(t, "user GenerateDataKey", err); code != "AccessDeniedException" {
		t.Fatalf("user GenerateDataKey before: %s", code)
	}
	if _, err := e.admin.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: id,
		Policy: aws.String(simtest.ConsolePolicy(e.srv.AccountID, admins, []string{e.adminARN, e.userARN}))}); err != nil {
		t.Fatalf("PutKeyPolicy: %v", err)
	}
	e.clock.Advance(delay - time.Second)
	_, err = e.user.GenerateDataKey(ctx, &kms.GenerateDataKeyInput{KeyId: id, KeySpec: kmstypes.DataKeySpecAes256})
	if code, _ := awsErr(t, "user GenerateDataKey within the delay", err); code != "AccessDeniedException" {
		t.Fatalf("within the delay: %s", code)
	}
	e.clock.Advance(time.Second)
	dk, err := e.user.GenerateDataKey(ctx, &kms.GenerateDataKeyInput{KeyId: id, KeySpec: kmstypes.DataKeySpecAes256})
	if err != nil || len(dk.Plaintext) != 32 {
		t.Fatalf("after the delay: %v", err)
	}
	back, err := e.admin.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: dk.CiphertextBlob})
	if err != nil || string(back.Plaintext) != string(dk.Plaintext) {
		t.Fatalf("admin Decrypt of the user's data key: %v", err)
	}
}
