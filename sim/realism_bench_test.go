package sim_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"kmslab/sim"
)

// BenchmarkRealism is an IAM write (each one copies IAM for the lagging view)
// and a KMS Encrypt, with realism off and on: off must cost what it always
// did (compare with BenchmarkSDK/KMSEncrypt), on is what `serve --realistic`
// pays.
func BenchmarkRealism(b *testing.B) {
	ctx := context.Background()
	for _, mode := range []struct {
		name string
		r    *sim.Realism
	}{{"off", nil}, {"on", &sim.Realism{Seed: 1, ThrottleRate: -1}}} {
		b.Run("PutUserPolicy/"+mode.name, func(b *testing.B) {
			srv := startSim(b, sim.Options{Realism: mode.r})
			c := iam.NewFromConfig(sdkConfig(srv, srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey))
			in := &iam.PutUserPolicyInput{UserName: aws.String(sim.DefaultAdminUser), PolicyName: aws.String("bench"),
				PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:ListKeys","Resource":"*"}]}`)}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.PutUserPolicy(ctx, in); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("KMSEncrypt/"+mode.name, func(b *testing.B) {
			srv := startSim(b, sim.Options{Realism: mode.r})
			c := kms.NewFromConfig(sdkConfig(srv, srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey))
			k, err := c.CreateKey(ctx, &kms.CreateKeyInput{})
			if err != nil {
				b.Fatal(err)
			}
			in := &kms.EncryptInput{KeyId: k.KeyMetadata.KeyId, Plaintext: []byte("4111-1111-1111-1111")}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Encrypt(ctx, in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
