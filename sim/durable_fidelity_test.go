package sim_test

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

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

// TestDataDirKeepsAsymmetricAndHMACKeys: RSA, ECC and HMAC keys come back from --data-dir
// with their material: a signature made before the restart verifies after it, the public
// key is the same, and a MAC is the same.
func TestDataDirKeepsAsymmetricAndHMACKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data")
	srv1, err := sim.Start(ctx, sim.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	c := kms.NewFromConfig(sdkConfig(srv1, srv1.Admin.AccessKeyID, srv1.Admin.SecretAccessKey))
	msg := []byte("signed before the restart")
	ecc := createSpecKey(t, c, kmstypes.KeySpecEccNistP256, kmstypes.KeyUsageTypeSignVerify)
	rsaKey := createSpecKey(t, c, kmstypes.KeySpecRsa2048, kmstypes.KeyUsageTypeEncryptDecrypt)
	mac := createSpecKey(t, c, kmstypes.KeySpecHmac384, kmstypes.KeyUsageTypeGenerateVerifyMac)
	sig, err := c.Sign(ctx, &kms.SignInput{KeyId: ecc.KeyId, Message: msg, SigningAlgorithm: kmstypes.SigningAlgorithmSpecEcdsaSha256})
	if err != nil {
		t.Fatal(err)
	}
	pub, err := c.GetPublicKey(ctx, &kms.GetPublicKeyInput{KeyId: rsaKey.KeyId})
	if err != nil {
		t.Fatal(err)
	}
	enc, err := c.Encrypt(ctx, &kms.EncryptInput{KeyId: rsaKey.KeyId, Plaintext: msg, EncryptionAlgorithm: kmstypes.EncryptionAlgorithmSpecRsaesOaepSha256})
	if err != nil {
		t.Fatal(err)
	}
	m, err := c.GenerateMac(ctx, &kms.GenerateMacInput{KeyId: mac.KeyId, Message: msg, MacAlgorithm: kmstypes.MacAlgorithmSpecHmacSha384})
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
	c = kms.NewFromConfig(sdkConfig(srv2, srv2.Admin.AccessKeyID, srv2.Admin.SecretAccessKey))
	if v, err := c.Verify(ctx, &kms.VerifyInput{KeyId: ecc.KeyId, Message: msg, Signature: sig.Signature, SigningAlgorithm: kmstypes.SigningAlgorithmSpecEcdsaSha256}); err != nil || !v.SignatureValid {
		t.Fatalf("Verify after restart: %v", err)
	}
	if again, err := c.GetPublicKey(ctx, &kms.GetPublicKeyInput{KeyId: rsaKey.KeyId}); err != nil || !bytes.Equal(again.PublicKey, pub.PublicKey) {
		t.Fatalf("GetPublicKey after restart: %v", err)
	}
	if dec, err := c.Decrypt(ctx, &kms.DecryptInput{KeyId: rsaKey.KeyId, CiphertextBlob: enc.CiphertextBlob, EncryptionAlgorithm: kmstypes.EncryptionAlgorithmSpecRsaesOaepSha256}); err != nil || !bytes.Equal(dec.Plaintext, msg) {
		t.Fatalf("RSA Decrypt after restart: %v", err)
	}
	if v, err := c.VerifyMac(ctx, &kms.VerifyMacInput{KeyId: mac.KeyId, Message: msg, Mac: m.Mac, MacAlgorithm: kmstypes.MacAlgorithmSpecHmacSha384}); err != nil || !v.MacValid {
		t.Fatalf("VerifyMac after restart: %v", err)
	}
	d, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: mac.KeyId})
	if err != nil || d.KeyMetadata.KeySpec != kmstypes.KeySpecHmac384 || d.KeyMetadata.KeyUsage != kmstypes.KeyUsageTypeGenerateVerifyMac {
		t.Fatalf("DescribeKey after restart: %+v %v", d, err)
	}
}
