package sim_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"kmslab/sim"
)

// BenchmarkStartClose is what kmslab pays before its first screen: build the
// four services (IAM parses its managed policies), listen on loopback, stop.
func BenchmarkStartClose(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		srv, err := sim.Start(context.Background(), sim.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if err := srv.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// benchLab is a running sim with admin SDK clients, a CMK and the lab's table on it.
type benchLab struct {
	srv    *sim.Server
	kms    *kms.Client
	ddb    *dynamodb.Client
	keyID  string
	table  string
	cancel context.CancelFunc
}

func newBenchLab(b *testing.B, opts sim.Options, items int) *benchLab {
	b.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	srv := startSim(b, opts)
	cfg := sdkConfig(srv, srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey)
	l := &benchLab{srv: srv, kms: kms.NewFromConfig(cfg), ddb: dynamodb.NewFromConfig(cfg), table: "kmslab-bench", cancel: cancel}
	key, err := l.kms.CreateKey(ctx, &kms.CreateKeyInput{Description: aws.String("kmslab bench")})
	if err != nil {
		b.Fatalf("CreateKey: %v", err)
	}
	l.keyID = *key.KeyMetadata.KeyId
	_, err = l.ddb.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String(l.table),
		BillingMode:          ddbtypes.BillingModePayPerRequest,
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: ddbtypes.KeyTypeHash}},
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		SSESpecification:     &ddbtypes.SSESpecification{Enabled: aws.Bool(true), SSEType: ddbtypes.SSETypeKms, KMSMasterKeyId: key.KeyMetadata.Arn},
	})
	if err != nil {
		b.Fatalf("CreateTable: %v", err)
	}
	for i := 0; i < items; i += 25 {
		var reqs []ddbtypes.WriteRequest
		for j := i; j < min(i+25, items); j++ {
			reqs = append(reqs, ddbtypes.WriteRequest{PutRequest: &ddbtypes.PutRequest{Item: benchItem(j)}})
		}
		out, err := l.ddb.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]ddbtypes.WriteRequest{l.table: reqs}})
		if err != nil || len(out.UnprocessedItems) > 0 {
			b.Fatalf("BatchWriteItem: %v (%d unprocessed)", err, len(out.UnprocessedItems))
		}
	}
	return l
}

// benchItem is a lab-shaped record: a key and a few attributes a learner would encrypt.
func benchItem(i int) map[string]ddbtypes.AttributeValue {
	return map[string]ddbtypes.AttributeValue{
		"id":     s(fmt.Sprintf("user-%05d", i)),
		"name":   s("Learner " + strconv.Itoa(i)),
		"card":   s(fmt.Sprintf("4111-1111-1111-%04d", i%10000)),
		"visits": n(strconv.Itoa(i)),
	}
}

// cacheModes are the two ways DynamoDB can get at a CMK table's key.
var cacheModes = []struct {
	name string
	opts sim.Options
}{
	{"keycache", sim.Options{KeyCacheTTL: 0}},                // the default 5-minute per-principal cache
	{"nokeycache", sim.Options{KeyCacheTTL: sim.NoKeyCache}}, // every data-plane call decrypts the table key through KMS
}

// BenchmarkSDK is a full round trip as the lab makes it: the real SDK client
// serialises, signs and sends over loopback HTTP; the sim verifies, authorizes,
// serves and records the call; the SDK deserialises the answer.
func BenchmarkSDK(b *testing.B) {
	ctx := context.Background()
	for _, m := range cacheModes {
		opts := m.opts
		b.Run("KMSEncrypt/"+m.name, func(b *testing.B) {
			l := newBenchLab(b, opts, 0)
			in := &kms.EncryptInput{KeyId: aws.String(l.keyID), Plaintext: []byte("4111-1111-1111-1111")}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := l.kms.Encrypt(ctx, in); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("PutItem/"+m.name, func(b *testing.B) {
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
		b.Run("GetItem/"+m.name, func(b *testing.B) {
			l := newBenchLab(b, opts, 100)
			in := &dynamodb.GetItemInput{TableName: aws.String(l.table), Key: map[string]ddbtypes.AttributeValue{"id": s("user-00042")}}
			b.ReportAllocs()
			for b.Loop() {
				out, err := l.ddb.GetItem(ctx, in)
				if err != nil || out.Item == nil {
					b.Fatalf("GetItem: %v (item %v)", err, out)
				}
			}
		})
		b.Run("Scan1000/"+m.name, func(b *testing.B) {
			l := newBenchLab(b, opts, 1000)
			in := &dynamodb.ScanInput{TableName: aws.String(l.table)}
			b.ReportAllocs()
			for b.Loop() {
				out, err := l.ddb.Scan(ctx, in)
				if err != nil || out.Count != 1000 || out.LastEvaluatedKey != nil {
					b.Fatalf("Scan: %v (count %d, more %v)", err, out.Count, out.LastEvaluatedKey != nil)
				}
			}
		})
	}
}

// BenchmarkEncryptAuditFull is KMS Encrypt once the audit trail holds its
// 10000 events, as it does after a long `kmslab serve` session; compare with
// BenchmarkSDK/KMSEncrypt.
func BenchmarkEncryptAuditFull(b *testing.B) {
	ctx := context.Background()
	l := newBenchLab(b, sim.Options{}, 0)
	in := &kms.EncryptInput{KeyId: aws.String(l.keyID), Plaintext: []byte("4111-1111-1111-1111")}
	for len(l.srv.Audit()) < 10000 {
		if _, err := l.kms.Encrypt(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := l.kms.Encrypt(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}
