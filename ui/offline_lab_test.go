package ui

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"kmslab/awsops"
	"kmslab/sim"
)

// offlineLab starts an offline AWS with so (closed when the test ends) and a
// lab on it as its admin with lo (no ledger on disk), as the TUI's end-to-end
// tests and goldens all need one.
func offlineLab(t *testing.T, ctx context.Context, so sim.Options, lo awsops.Options) (*sim.Server, *awsops.Lab, awsops.Identity) {
	t.Helper()
	srv, err := sim.Start(ctx, so)
	if err != nil {
		t.Fatalf("start sim: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	cfg := aws.Config{
		Region:                     srv.Region,
		BaseEndpoint:               aws.String(srv.URL),
		Credentials:                credentials.NewStaticCredentialsProvider(srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey, ""),
		DisableClockSkewCorrection: true,
	}
	lo.DisableLedger = true
	lab, err := awsops.New(cfg, lo)
	if err != nil {
		t.Fatalf("new lab: %v", err)
	}
	id, err := lab.WhoAmI(ctx)
	if err != nil {
		t.Fatalf("who am i: %v", err)
	}
	return srv, lab, id
}
