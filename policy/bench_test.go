package policy

import (
	"os"
	"path/filepath"
	"testing"
)

func loadB(b *testing.B, parse func([]byte) (*Document, error), name string) *Document {
	b.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		b.Fatal(err)
	}
	d, err := parse(src)
	if err != nil {
		b.Fatalf("%s: %v", name, err)
	}
	return d
}

// BenchmarkEvaluateDecrypt is the authorization DynamoDB triggers on every
// uncached data-plane call of a CMK table: kms:Decrypt of the table key, as the
// caller, via dynamodb, against the console key policy and the caller's
// AmazonDynamoDBFullAccess.
func BenchmarkEvaluateDecrypt(b *testing.B) {
	key := loadB(b, ParseResource, "resource/kms-console.json")
	ddbFull := Named{Name: "AmazonDynamoDBFullAccess", Doc: loadB(b, ParseIdentity, "identity/AmazonDynamoDBFullAccess.json")}
	ctx := Context{
		"kms:ViaService":    {"dynamodb.us-east-1.amazonaws.com"},
		"kms:CallerAccount": {acct},
		"kms:EncryptionContext:aws:dynamodb:tableName":    {"kmslab-abc123"},
		"kms:EncryptionContext:aws:dynamodb:subscriberId": {acct},
		"kms:EncryptionContextKeys":                       {"aws:dynamodb:tableName", "aws:dynamodb:subscriberId"},
		"aws:PrincipalType":                               {"User"},
		"aws:SecureTransport":                             {"false"},
	}
	for _, c := range []struct {
		name      string
		principal string
		want      Decision
	}{
		// alice is named in "Allow use of the key": the lab after its fix.
		{"key-user", alice, Allow},
		// bob has only AmazonDynamoDBFullAccess: the lab's AccessDenied.
		{"dynamodb-full-access-only", bob, NoDecision},
	} {
		b.Run(c.name, func(b *testing.B) {
			in := Input{
				Request:  Request{PrincipalARN: c.principal, Action: "kms:Decrypt", Resource: keyARN, Context: ctx},
				Identity: []Named{ddbFull},
				Resource: key,
				KMS:      true,
			}
			b.ReportAllocs()
			for b.Loop() {
				if out := Evaluate(in); out.Decision != c.want {
					b.Fatalf("decision %v (%v), want %v", out.Decision, out.Reason, c.want)
				}
			}
		})
	}
}

// BenchmarkParseKeyPolicy is the cost of PutKeyPolicy's parse of the console policy.
func BenchmarkParseKeyPolicy(b *testing.B) {
	src, err := os.ReadFile(filepath.Join("testdata", "resource", "kms-console.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := ParseResource(src); err != nil {
			b.Fatal(err)
		}
	}
}
