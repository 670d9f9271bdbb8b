package sim_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kmslab/sim"
	"kmslab/sim/audit"
)

// BenchmarkDataDirRestart is what `kmslab serve --data-dir` pays to resume an
// account holding a 10,000-item table (plus the audit trail of writing it):
// open the file, restore IAM, KMS and the table, read every item back.
func BenchmarkDataDirRestart(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "data")
	l := newBenchLab(b, sim.Options{DataDir: dir}, 10000)
	l.cancel()
	if err := l.srv.Close(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		srv, err := sim.New(sim.Options{DataDir: dir})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if at, err := srv.Inspect(l.table); err != nil || len(at.Items) != 10000 {
			b.Fatalf("restored %d items (%v), want 10000", len(at.Items), err)
		}
		if err := srv.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// BenchmarkDataDirPutItem is one acknowledged PutItem through the SDK, in
// memory and with a data dir (one fsynced bbolt transaction per write).
func BenchmarkDataDirPutItem(b *testing.B) {
	ctx := context.Background()
	for _, mode := range []string{"memory", "datadir"} {
		b.Run(mode, func(b *testing.B) {
			opts := sim.Options{}
			if mode == "datadir" {
				opts.DataDir = filepath.Join(b.TempDir(), "data")
			}
			l := newBenchLab(b, opts, 0)
			items := make([]map[string]ddbtypes.AttributeValue, 1000)
			for i := range items {
				items[i] = benchItem(i)
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := l.ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(l.table), Item: items[i%len(items)]}); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// BenchmarkRestartAuditTrail is `kmslab serve --data-dir` resuming after 10k,
// 100k and 1M audited calls: the trail on disk stays within its cap
// (AuditDiskMax), and restart (open, check the whole file, restore) does not
// grow with the number of calls made before.
func BenchmarkRestartAuditTrail(b *testing.B) {
	ev := audit.Event{
		Time: time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC), Source: "kms.amazonaws.com", Name: "Decrypt", Region: "us-east-1",
		Identity: audit.UserIdentity{Type: "IAMUser", ARN: "arn:aws:iam::111122223333:user/kmslab-test-user", AccountID: "111122223333",
			AccessKeyID: "AKIAEXAMPLEEXAMPLE12", UserName: "kmslab-test-user", InvokedBy: "dynamodb.amazonaws.com"},
		Decision: "Deny", ErrorCode: "AccessDeniedException",
		ErrorMessage: "User: arn:aws:iam::111122223333:user/kmslab-test-user is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab because no identity-based policy allows the kms:Decrypt action",
		Resources:    []string{"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", "arn:aws:dynamodb:us-east-1:111122223333:table/kmslab-run"},
		SourceIP:     "127.0.0.1", UserAgent: "aws-cli/2.27.0 md/awscrt#0.26.1 ua/2.1 os/linux#6.1.0 md/arch#x86_64 lang/python#3.13.3 md/pyimpl#CPython m/E,Z,b cfg/retry-mode#standard md/installer#exe md/distrib#debian.12 md/prompt#off md/command#dynamodb.scan",
	}
	for _, calls := range []int{10_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprintf("calls=%d", calls), func(b *testing.B) {
			dir := filepath.Join(b.TempDir(), "data")
			srv, err := sim.New(sim.Options{DataDir: dir, AuditKeep: -1})
			if err != nil {
				b.Fatal(err)
			}
			if err := sim.RecordAudit(srv, ev, calls, 1000); err != nil {
				b.Fatal(err)
			}
			if err := srv.Close(); err != nil {
				b.Fatal(err)
			}
			fi, err := os.Stat(filepath.Join(dir, "kmslab.db"))
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				// As kmslab serve opens it: no trail kept in memory.
				srv, err := sim.New(sim.Options{DataDir: dir, AuditKeep: -1})
				if err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				if err := srv.Close(); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(fi.Size())/(1<<20), "MB-on-disk")
		})
	}
}
