package sim_test

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"kmslab/sim"
)

// kmsIn is a KMS client of the admin for region.
func kmsIn(srv *sim.Server, region string) *kms.Client {
	cfg := sdkConfig(srv, srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey)
	cfg.Region = region
	return kms.NewFromConfig(cfg)
}

// TestKMSMultiRegionKeys replicates a multi-Region key, uses a ciphertext of one region in
// the other, and moves the primary.
func TestKMSMultiRegionKeys(t *testing.T) {
	t.Parallel()
	e := newKMSEnv(t, 0)
	ctx := context.Background()
	home, away := e.srv.Region, "eu-west-3"
	if home == away {
		away = "ap-south-2"
	}
	east, west := kmsIn(e.srv, home), kmsIn(e.srv, away)

	created, err := east.CreateKey(ctx, &kms.CreateKeyInput{MultiRegion: aws.Bool(true), Description: aws.String("primary")})
	if err != nil {
		t.Fatalf("CreateKey MultiRegion: %v", err)
	}
	md := created.KeyMetadata
	id := aws.ToString(md.KeyId)
	if !regexp.MustCompile(`^mrk-[0-9a-f]{32}$`).MatchString(id) || !aws.ToBool(md.MultiRegion) || md.MultiRegionConfiguration == nil ||
		md.MultiRegionConfiguration.MultiRegionKeyType != kmstypes.MultiRegionKeyTypePrimary || len(md.MultiRegionConfiguration.ReplicaKeys) != 0 {
		t.Fatalf("CreateKey MultiRegion: %+v %+v", md, md.MultiRegionConfiguration)
	}

	rep, err := east.ReplicateKey(ctx, &kms.ReplicateKeyInput{KeyId: aws.String(id), ReplicaRegion: aws.String(away), Description: aws.String("replica"),
		Tags: []kmstypes.Tag{{TagKey: aws.String("copy"), TagValue: aws.String("yes")}}})
	if err != nil {
		t.Fatalf("ReplicateKey: %v", err)
	}
	rmd := rep.ReplicaKeyMetadata
	wantARN := "arn:aws:kms:" + away + ":" + e.srv.AccountID + ":key/" + id
	if aws.ToString(rmd.Arn) != wantARN || aws.ToString(rmd.Description) != "replica" || rmd.MultiRegionConfiguration.MultiRegionKeyType != kmstypes.MultiRegionKeyTypeReplica ||
		aws.ToString(rmd.MultiRegionConfiguration.PrimaryKey.Region) != home || len(rep.ReplicaTags) != 1 || aws.ToString(rep.ReplicaPolicy) == "" {
		t.Fatalf("ReplicateKey = %+v", rep)
	}
	desc, err := east.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(id)})
	if err != nil || len(desc.KeyMetadata.MultiRegionConfiguration.ReplicaKeys) != 1 || aws.ToString(desc.KeyMetadata.MultiRegionConfiguration.ReplicaKeys[0].Arn) != wantARN {
		t.Fatalf("DescribeKey of the primary after ReplicateKey: %+v %v", desc, err)
	}

	// One key material: what one region encrypts, the other decrypts.
	enc, err := east.Encrypt(ctx, &kms.EncryptInput{KeyId: aws.String(id), Plaintext: []byte("everywhere")})
	if err != nil {
		t.Fatal(err)
	}
	dec, err := west.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob})
	if err != nil || !bytes.Equal(dec.Plaintext, []byte("everywhere")) || aws.ToString(dec.KeyId) != wantARN {
		t.Fatalf("Decrypt in the replica's region: %+v %v", dec, err)
	}

	_, err = east.ReplicateKey(ctx, &kms.ReplicateKeyInput{KeyId: aws.String(id), ReplicaRegion: aws.String(away)})
	wantKMSErr(t, "ReplicateKey twice", err, "AlreadyExistsException", "")
	_, err = west.EnableKeyRotation(ctx, &kms.EnableKeyRotationInput{KeyId: aws.String(id)})
	wantKMSErr(t, "EnableKeyRotation on a replica", err, "UnsupportedOperationException", "")
	if _, err := east.EnableKeyRotation(ctx, &kms.EnableKeyRotationInput{KeyId: aws.String(id)}); err != nil {
		t.Fatalf("EnableKeyRotation on the primary: %v", err)
	}
	_, err = west.ReplicateKey(ctx, &kms.ReplicateKeyInput{KeyId: aws.String(id), ReplicaRegion: aws.String("ap-south-1")})
	wantKMSErr(t, "ReplicateKey of a replica", err, "UnsupportedOperationException", "")
	_, err = east.ReplicateKey(ctx, &kms.ReplicateKeyInput{KeyId: aws.String(id), ReplicaRegion: aws.String(home)})
	wantKMSErr(t, "ReplicateKey into its own region", err, "ValidationException", "")
	single, _ := east.CreateKey(ctx, &kms.CreateKeyInput{})
	_, err = east.ReplicateKey(ctx, &kms.ReplicateKeyInput{KeyId: single.KeyMetadata.KeyId, ReplicaRegion: aws.String(away)})
	wantKMSErr(t, "ReplicateKey of a single-Region key", err, "UnsupportedOperationException", "")
	_, err = e.user.ReplicateKey(ctx, &kms.ReplicateKeyInput{KeyId: aws.String(id), ReplicaRegion: aws.String("ap-south-1")})
	wantKMSErr(t, "ReplicateKey by a user without permission", err, "AccessDeniedException", "User: "+e.userARN+" is not authorized to perform: kms:ReplicateKey")
	_, err = east.UpdatePrimaryRegion(ctx, &kms.UpdatePrimaryRegionInput{KeyId: aws.String(id), PrimaryRegion: aws.String("ap-south-1")})
	wantKMSErr(t, "UpdatePrimaryRegion to a region without a replica", err, "NotFoundException", "")

	if _, err := east.UpdatePrimaryRegion(ctx, &kms.UpdatePrimaryRegionInput{KeyId: aws.String(id), PrimaryRegion: aws.String(away)}); err != nil {
		t.Fatalf("UpdatePrimaryRegion: %v", err)
	}
	for _, c := range []struct {
		cl   *kms.Client
		want kmstypes.MultiRegionKeyType
	}{{east, kmstypes.MultiRegionKeyTypeReplica}, {west, kmstypes.MultiRegionKeyTypePrimary}} {
		d, err := c.cl.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(id)})
		if err != nil || d.KeyMetadata.MultiRegionConfiguration.MultiRegionKeyType != c.want || aws.ToString(d.KeyMetadata.MultiRegionConfiguration.PrimaryKey.Region) != away {
			t.Fatalf("after UpdatePrimaryRegion: %+v %v, want %s", d.KeyMetadata.MultiRegionConfiguration, err, c.want)
		}
	}
	_, err = east.UpdatePrimaryRegion(ctx, &kms.UpdatePrimaryRegionInput{KeyId: aws.String(id), PrimaryRegion: aws.String(home)})
	wantKMSErr(t, "UpdatePrimaryRegion called on a replica", err, "UnsupportedOperationException", "")
}

// TestDataDirKeepsMultiRegionKeys: a replica and which key is primary survive a restart.
func TestDataDirKeepsMultiRegionKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data")
	srv1, err := sim.Start(ctx, sim.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	away := "eu-west-3"
	east := kmsIn(srv1, srv1.Region)
	created, err := east.CreateKey(ctx, &kms.CreateKeyInput{MultiRegion: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	id := created.KeyMetadata.KeyId
	if _, err := east.ReplicateKey(ctx, &kms.ReplicateKeyInput{KeyId: id, ReplicaRegion: aws.String(away)}); err != nil {
		t.Fatal(err)
	}
	if _, err := east.UpdatePrimaryRegion(ctx, &kms.UpdatePrimaryRegionInput{KeyId: id, PrimaryRegion: aws.String(away)}); err != nil {
		t.Fatal(err)
	}
	enc, err := east.Encrypt(ctx, &kms.EncryptInput{KeyId: id, Plaintext: []byte("kept")})
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
	west := kmsIn(srv2, away)
	d, err := west.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: id})
	if err != nil || d.KeyMetadata.MultiRegionConfiguration.MultiRegionKeyType != kmstypes.MultiRegionKeyTypePrimary ||
		len(d.KeyMetadata.MultiRegionConfiguration.ReplicaKeys) != 1 {
		t.Fatalf("the replica after restart: %+v %v", d, err)
	}
	if dec, err := west.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob}); err != nil || string(dec.Plaintext) != "kept" {
		t.Fatalf("Decrypt in the replica's region after restart: %v", err)
	}
}
