package sim_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"kmslab/sim"
	"kmslab/sim/api"
)

// rawCall signs (unless secret is "") and sends one request, returning status, headers and body.
func rawCall(t *testing.T, srv *sim.Server, service, target, contentType, body, id, secret string, at time.Time) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	if target != "" {
		req.Header.Set("X-Amz-Target", target)
	}
	if secret != "" {
		sum := sha256.Sum256([]byte(body))
		err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: id, SecretAccessKey: secret},
			req, hex.EncodeToString(sum[:]), service, srv.Region, at)
		if err != nil {
			t.Fatal(err)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

func jsonType(t *testing.T, b []byte) (string, string) {
	t.Helper()
	var e struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatalf("error body is not JSON: %q", b)
	}
	return e.Type, e.Message
}

// TestAuthFailuresPerProtocol: each way to fail authentication gets AWS's code
// for the protocol, and no request reaches a handler unauthenticated.
func TestAuthFailuresPerProtocol(t *testing.T) {
	srv := startSim(t, sim.Options{})
	id, secret := srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey
	now := time.Now()
	const kmsCT, ddbCT, form = "application/x-amz-json-1.1", "application/x-amz-json-1.0", "application/x-www-form-urlencoded"
	tests := []struct {
		name, service, target, ct, body, id, secret string
		at                                          time.Time
		status                                      int
		code, msgPrefix                             string
	}{
		{"kms ok", "kms", "TrentService.ListKeys", kmsCT, "{}", id, secret, now, 200, "", ""},
		{"kms unknown key", "kms", "TrentService.ListKeys", kmsCT, "{}", "AKIAUNKNOWNUNKNOWN00", secret, now, 400, "UnrecognizedClientException", "The security token included in the request is invalid."},
		{"kms wrong secret", "kms", "TrentService.ListKeys", kmsCT, "{}", id, "wrong" + secret[5:], now, 400, "InvalidSignatureException", "The request signature we calculated does not match"},
		{"kms expired", "kms", "TrentService.ListKeys", kmsCT, "{}", id, secret, now.Add(-20 * time.Minute), 400, "InvalidSignatureException", "Signature expired: "},
		{"kms missing auth", "kms", "TrentService.ListKeys", kmsCT, "{}", "", "", now, 400, "MissingAuthenticationTokenException", "Missing Authentication Token"},
		{"dynamodb unknown key", "dynamodb", "DynamoDB_20120810.ListTables", ddbCT, "{}", "AKIAUNKNOWNUNKNOWN00", secret, now, 400, "com.amazonaws.dynamodb.v20120810#UnrecognizedClientException", "The security token included in the request is invalid."},
		{"dynamodb malformed body", "dynamodb", "DynamoDB_20120810.PutItem", ddbCT, "{not json", id, secret, now, 400, "com.amazonaws.dynamodb.v20120810#SerializationException", ""},
		{"kms unknown operation", "kms", "TrentService.NoSuchThing", kmsCT, "{}", id, secret, now, 400, "UnknownOperationException", ""},
		{"unknown target prefix", "kms", "Nope_2020.ListKeys", kmsCT, "{}", id, secret, now, 400, "UnknownOperationException", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, hdr, body := rawCall(t, srv, tt.service, tt.target, tt.ct, tt.body, tt.id, tt.secret, tt.at)
			if hdr.Get("x-amzn-RequestId") == "" {
				t.Error("no x-amzn-RequestId header")
			}
			if _, err := http.ParseTime(hdr.Get("Date")); err != nil {
				t.Errorf("bad Date header %q", hdr.Get("Date"))
			}
			if status != tt.status {
				t.Fatalf("status %d, want %d: %s", status, tt.status, body)
			}
			if tt.code == "" {
				return
			}
			code, msg := jsonType(t, body)
			if code != tt.code || !strings.HasPrefix(msg, tt.msgPrefix) {
				t.Fatalf("got %s %q, want %s %q...", code, msg, tt.code, tt.msgPrefix)
			}
		})
	}

	// Query protocol: XML errors with the query codes and statuses.
	qtests := []struct {
		name, id, secret string
		at               time.Time
		status           int
		code             string
	}{
		{"sts unknown key", "AKIAUNKNOWNUNKNOWN00", secret, now, 403, "InvalidClientTokenId"},
		{"sts wrong secret", id, "wrong" + secret[5:], now, 403, "SignatureDoesNotMatch"},
		{"sts expired", id, secret, now.Add(20 * time.Minute), 403, "SignatureDoesNotMatch"},
	}
	for _, tt := range qtests {
		t.Run(tt.name, func(t *testing.T) {
			status, _, body := rawCall(t, srv, "sts", "", form, "Action=GetCallerIdentity&Version=2011-06-15", tt.id, tt.secret, tt.at)
			if status != tt.status || !bytes.Contains(body, []byte("<Code>"+tt.code+"</Code>")) || !bytes.Contains(body, []byte("<RequestId>")) {
				t.Fatalf("status %d body %s; want %d %s", status, body, tt.status, tt.code)
			}
		})
	}
}

// TestFaultInjectionIsRetried: an injected throttle is retried by the SDK's
// standard retryer, and the call converges.
func TestFaultInjectionIsRetried(t *testing.T) {
	var calls atomic.Int32
	srv := startSim(t, sim.Options{Fault: func(service, op string) *api.Error {
		if service == "sts" && calls.Add(1) <= 2 {
			return api.BadRequest("ThrottlingException", "Rate exceeded")
		}
		return nil
	}})
	client := sts.NewFromConfig(sdkConfig(srv, srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey))
	out, err := client.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("throttling did not converge: %v", err)
	}
	if aws.ToString(out.Arn) != srv.AdminARN || calls.Load() != 3 {
		t.Fatalf("arn %s after %d calls", aws.ToString(out.Arn), calls.Load())
	}
	throttles := 0
	for _, ev := range srv.Audit() {
		if ev.ErrorCode == "ThrottlingException" {
			throttles++
		}
	}
	if throttles != 2 {
		t.Fatalf("audit recorded %d throttles, want 2", throttles)
	}
}

// TestSeededServersAreIdentical: the same seed gives the same ids and key material.
func TestSeededServersAreIdentical(t *testing.T) {
	run := func() (string, string, string) {
		clock := func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }
		srv := startSim(t, sim.Options{Rand: strings.NewReader(strings.Repeat("kmslab-seed-", 4096)), Clock: clock})
		c := kms.NewFromConfig(sdkConfig(srv, srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey))
		k, err := c.CreateKey(context.Background(), &kms.CreateKeyInput{})
		if err != nil {
			t.Fatal(err)
		}
		enc, err := c.Encrypt(context.Background(), &kms.EncryptInput{KeyId: k.KeyMetadata.KeyId, Plaintext: []byte("x")})
		if err != nil {
			t.Fatal(err)
		}
		return srv.Admin.AccessKeyID, aws.ToString(k.KeyMetadata.Arn), hex.EncodeToString(enc.CiphertextBlob)
	}
	a1, k1, c1 := run()
	a2, k2, c2 := run()
	if a1 != a2 || k1 != k2 || c1 != c2 {
		t.Fatalf("seeded runs differ:\n%s %s %s\n%s %s %s", a1, k1, c1, a2, k2, c2)
	}
}

func TestStartRejectsBadAccount(t *testing.T) {
	_, err := sim.Start(context.Background(), sim.Options{AccountID: "12ab"})
	if err == nil {
		t.Fatal("a non-numeric account id was accepted")
	}
}

// TestNoSecretsInAudit: the audit trail holds no secret access key and no plaintext.
func TestNoSecretsInAudit(t *testing.T) {
	srv := startSim(t, sim.Options{})
	c := kms.NewFromConfig(sdkConfig(srv, srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey))
	k, err := c.CreateKey(context.Background(), &kms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	plaintext := "very-secret-plaintext-value"
	if _, err := c.Encrypt(context.Background(), &kms.EncryptInput{KeyId: k.KeyMetadata.KeyId, Plaintext: []byte(plaintext)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.Decrypt(context.Background(), &kms.DecryptInput{CiphertextBlob: []byte("garbage")})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidCiphertextException" {
		t.Fatalf("decrypt garbage: %v", err)
	}
	b, _ := json.Marshal(srv.Audit())
	if bytes.Contains(b, []byte(srv.Admin.SecretAccessKey)) || bytes.Contains(b, []byte(plaintext)) {
		t.Fatal("the audit trail holds a secret or plaintext")
	}
}
