package sim_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"kmslab/sim"
)

// FuzzRouter sends arbitrary requests, signed by the admin or not, to the
// whole offline AWS: whatever the method, target, scope, query or body, it
// must answer a well-formed error or success, never a 5xx (a 500 here is a
// handler panic that safeCall caught).
func FuzzRouter(f *testing.F) {
	srv, err := sim.New(sim.Options{})
	if err != nil {
		f.Fatal(err)
	}
	h := srv.Handler()
	creds := aws.Credentials{AccessKeyID: srv.Admin.AccessKeyID, SecretAccessKey: srv.Admin.SecretAccessKey}

	add := func(method, target, scope, query, body string, sign bool) {
		f.Add(method, target, scope, query, body, sign)
	}
	add("POST", "TrentService.CreateKey", "kms", "", `{"Description":"x","Tags":[{"TagKey":"a","TagValue":"b"}]}`, true)
	add("POST", "TrentService.Encrypt", "kms", "", `{"KeyId":"alias/nope","Plaintext":"aGk="}`, true)
	add("POST", "TrentService.Decrypt", "kms", "", `{"CiphertextBlob":"AAAA","EncryptionContext":{"a":"b"}}`, true)
	add("POST", "TrentService.PutKeyPolicy", "kms", "", `{"KeyId":"x","PolicyName":"default","Policy":"{}"}`, true)
	add("POST", "DynamoDB_20120810.CreateTable", "dynamodb", "", `{"TableName":"t1","AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],"KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}`, true)
	add("POST", "DynamoDB_20120810.PutItem", "dynamodb", "", `{"TableName":"t1","Item":{"id":{"S":"1"},"n":{"N":"1e5"}}}`, true)
	add("POST", "DynamoDB_20120810.Scan", "dynamodb", "", `{"TableName":"t1","FilterExpression":"#a = :v","ExpressionAttributeNames":{"#a":"id"},"ExpressionAttributeValues":{":v":{"S":"1"}}}`, true)
	add("POST", "DynamoDB_20120810.UpdateItem", "dynamodb", "", `{"TableName":"t1","Key":{"id":{"S":"1"}},"UpdateExpression":"SET n = n + :one","ExpressionAttributeValues":{":one":{"N":"1"}}}`, true)
	add("POST", "", "iam", "", "Action=CreateUser&Version=2010-05-08&UserName=u1", true)
	add("POST", "", "iam", "", "Action=PutUserPolicy&Version=2010-05-08&UserName=u1&PolicyName=p&PolicyDocument=%7B%7D", true)
	add("POST", "", "iam", "", "Action=SimulatePrincipalPolicy&Version=2010-05-08&PolicySourceArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Auser%2Fu1&ActionNames.member.1=kms%3ADecrypt", true)
	add("GET", "", "sts", "Action=GetCallerIdentity&Version=2011-06-15", "", true)
	add("POST", "TrentService.ListKeys", "kms", "", "{}", false)
	add("PUT", "Nope.Nothing", "s3", "%zz", "\x00\xff", true)

	methods := []string{"GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"}
	f.Fuzz(func(t *testing.T, method, target, scope, query, body string, sign bool) {
		ok := false
		for _, m := range methods {
			ok = ok || m == method
		}
		if !ok {
			method = "POST"
		}
		req := &http.Request{
			Method:     method,
			URL:        &url.URL{Scheme: "http", Host: "127.0.0.1", Path: "/", RawQuery: query},
			Host:       "127.0.0.1",
			Proto:      "HTTP/1.1",
			ProtoMajor: 1, ProtoMinor: 1,
			Header:        http.Header{},
			Body:          http.NoBody,
			ContentLength: int64(len(body)),
			RemoteAddr:    "127.0.0.1:1234",
		}
		if body != "" {
			req.Body = readCloser{strings.NewReader(body)}
		}
		req = req.WithContext(context.Background())
		if target != "" {
			req.Header.Set("X-Amz-Target", target)
		}
		if strings.HasPrefix(target, "TrentService.") {
			req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		}
		if sign && scope != "" {
			sum := sha256.Sum256([]byte(body))
			if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), scope, srv.Region, time.Now()); err != nil {
				return // the signer refuses what it cannot sign; nothing to test
			}
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %q scope %q: %d %s", method, target, scope, rec.Code, rec.Body.Bytes())
		}
		b := rec.Body.Bytes()
		if rec.Code != http.StatusOK || bytes.HasPrefix(b, []byte("<?xml")) {
			if bytes.HasPrefix(b, []byte("{")) {
				var v map[string]any
				if err := json.Unmarshal(b, &v); err != nil {
					t.Fatalf("malformed JSON answer %q: %v", b, err)
				}
			} else if err := xml.Unmarshal(b, new(struct{})); err != nil {
				t.Fatalf("malformed XML answer %q: %v", b, err)
			}
		}
		if rec.Header().Get("x-amzn-RequestId") == "" {
			t.Fatal("no request id")
		}
	})
}

type readCloser struct{ *strings.Reader }

func (readCloser) Close() error { return nil }
