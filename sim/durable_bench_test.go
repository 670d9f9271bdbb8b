package sim_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kmslab/sim"
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
