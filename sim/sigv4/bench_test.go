package sigv4

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"testing"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// ddbScanBody is the body aws-sdk-go-v2 sends for the lab's Scan.
var ddbScanBody = []byte(`{"TableName":"kmslab-abc123","ReturnConsumedCapacity":"TOTAL"}`)

// ddbRequest is a DynamoDB Scan with the headers aws-sdk-go-v2 puts on it and
// signs (amz-sdk-*, content-length, content-type, host, x-amz-date, x-amz-target),
// signed by the SDK's own signer at signedAt.
func ddbRequest(b *testing.B, secret string) *http.Request {
	b.Helper()
	req, err := http.NewRequest(http.MethodPost, "http://127.0.0.1:43117/", bytes.NewReader(ddbScanBody))
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", "DynamoDB_20120810.Scan")
	req.Header.Set("Accept-Encoding", "identity")
	req.Header.Set("Amz-Sdk-Invocation-Id", "5f0a8c2e-6d1b-4a53-9f0e-2b7c1d9e8a41")
	req.Header.Set("Amz-Sdk-Request", "attempt=1; max=3")
	req.Header.Set("User-Agent", "aws-sdk-go-v2/1.47.7 ua/2.1 os/linux lang/go#1.26 md/GOOS#linux md/GOARCH#amd64 api/dynamodb#1.73.1")
	req.Header.Set("Content-Length", strconv.Itoa(len(ddbScanBody)))
	req.ContentLength = int64(len(ddbScanBody))
	if err := v4.NewSigner().SignHTTP(context.Background(), creds(secret), req, hashHex(ddbScanBody), "dynamodb", "us-east-1", signedAt); err != nil {
		b.Fatalf("sign: %v", err)
	}
	return req
}

// BenchmarkVerify is the cost of authenticating one DynamoDB call: parse the
// Authorization header, rebuild the canonical request, hash the body, derive
// the signing key and compare.
func BenchmarkVerify(b *testing.B) {
	for _, c := range []struct {
		name   string
		secret string
		ok     bool
	}{
		{"valid", testSecret, true},
		{"bad-signature", "not-the-secret", false},
	} {
		b.Run(c.name, func(b *testing.B) {
			req := ddbRequest(b, c.secret)
			b.ReportAllocs()
			b.SetBytes(int64(len(ddbScanBody)))
			for b.Loop() {
				_, err := Verify(req, ddbScanBody, signedAt, lookup)
				if (err == nil) != c.ok {
					b.Fatalf("Verify: %v, want ok=%v", err, c.ok)
				}
			}
		})
	}
}

// BenchmarkParseAuthorization isolates header parsing, which the router also
// runs to route query-protocol calls.
func BenchmarkParseAuthorization(b *testing.B) {
	h := ddbRequest(b, testSecret).Header.Get("Authorization")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseAuthorization(h); err != nil {
			b.Fatal(err)
		}
	}
}
