package sim_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"kmslab/sim"
	"kmslab/sim/api"
)

const (
	kmsCT  = "application/x-amz-json-1.1"
	ddbCT  = "application/x-amz-json-1.0"
	formCT = "application/x-www-form-urlencoded"
)

// signedRequest builds a request signed for service in region with the admin's key,
// after mutate has had its say on the unsigned request.
func signedRequest(t *testing.T, srv *sim.Server, method, service, region, target, ct, body string, mutate func(*http.Request)) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", ct)
	if target != "" {
		req.Header.Set("X-Amz-Target", target)
	}
	if mutate != nil {
		mutate(req)
	}
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: srv.Admin.AccessKeyID, SecretAccessKey: srv.Admin.SecretAccessKey}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), service, region, time.Now()); err != nil {
		t.Fatal(err)
	}
	return req
}

func send(t *testing.T, req *http.Request) (int, []byte) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// errorCode reads the code from either protocol's error body ("" for success).
func errorCode(t *testing.T, status int, b []byte) (string, string) {
	t.Helper()
	if status == http.StatusOK {
		return "", ""
	}
	if len(b) > 0 && b[0] == '{' {
		typ, msg := jsonType(t, b)
		return typ[strings.LastIndexByte(typ, '#')+1:], msg
	}
	var doc struct {
		Error struct{ Code, Message string }
	}
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("error body %q is neither JSON nor XML", b)
	}
	return doc.Error.Code, doc.Error.Message
}

// TestCredentialScopeMustFitTheEndpoint: a valid signature made for another
// service, or for another region of a regional service, is refused as AWS
// refuses it; IAM and STS take any region.
func TestCredentialScopeMustFitTheEndpoint(t *testing.T) {
	srv := startSim(t, sim.Options{Region: "eu-west-1"})
	stsBody := "Action=GetCallerIdentity&Version=2011-06-15"
	iamBody := "Action=ListUsers&Version=2010-05-08"
	tests := []struct {
		name, service, region, target, ct, body string
		status                                  int
		code, msg                               string
	}{
		{"kms ok", "kms", "eu-west-1", "TrentService.ListKeys", kmsCT, "{}", 200, "", ""},
		{"kms signed for s3", "s3", "eu-west-1", "TrentService.ListKeys", kmsCT, "{}", 400, "InvalidSignatureException", "Credential should be scoped to correct service: 'kms'. "},
		{"kms signed for dynamodb", "dynamodb", "eu-west-1", "TrentService.ListKeys", kmsCT, "{}", 400, "InvalidSignatureException", "Credential should be scoped to correct service: 'kms'. "},
		{"kms other region", "kms", "us-east-1", "TrentService.ListKeys", kmsCT, "{}", 200, "", ""},
		{"kms not a region", "kms", "moon-1", "TrentService.ListKeys", kmsCT, "{}", 400, "InvalidSignatureException", "Credential should be scoped to a valid region, not 'moon-1'. "},
		{"kms other partition", "kms", "cn-north-1", "TrentService.ListKeys", kmsCT, "{}", 400, "InvalidSignatureException", "Credential should be scoped to a valid region, not 'cn-north-1'. "},
		{"dynamodb ok", "dynamodb", "eu-west-1", "DynamoDB_20120810.ListTables", ddbCT, "{}", 200, "", ""},
		{"dynamodb signed for kms", "kms", "eu-west-1", "DynamoDB_20120810.ListTables", ddbCT, "{}", 400, "InvalidSignatureException", "Credential should be scoped to correct service: 'dynamodb'. "},
		{"dynamodb other region", "dynamodb", "ap-south-1", "DynamoDB_20120810.ListTables", ddbCT, "{}", 200, "", ""},
		{"dynamodb not a region", "dynamodb", "US-EAST-1", "DynamoDB_20120810.ListTables", ddbCT, "{}", 400, "InvalidSignatureException", "Credential should be scoped to a valid region, not 'US-EAST-1'. "},
		{"sts any region", "sts", "ap-south-1", "", formCT, stsBody, 200, "", ""},
		{"iam any region", "iam", "us-east-1", "", formCT, iamBody, 200, "", ""},
		{"iam signed for s3", "s3", "us-east-1", "", formCT, iamBody, 403, "SignatureDoesNotMatch", "Credential should be scoped to correct service: 'iam'. "},
		{"sts signed for s3", "s3", "us-east-1", "", formCT, stsBody, 403, "SignatureDoesNotMatch", "Credential should be scoped to correct service: 'sts'. "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, b := send(t, signedRequest(t, srv, http.MethodPost, tc.service, tc.region, tc.target, tc.ct, tc.body, nil))
			code, msg := errorCode(t, status, b)
			if status != tc.status || code != tc.code || msg != tc.msg {
				t.Fatalf("got %d %s %q, want %d %s %q", status, code, msg, tc.status, tc.code, tc.msg)
			}
		})
	}
}

// TestSessionTokensAreRefused: the offline AWS issues no session credentials,
// so a signed request carrying a token (in the header or a presigned URL) is
// refused as AWS refuses an unknown token, never let through on the key alone.
func TestSessionTokensAreRefused(t *testing.T) {
	srv := startSim(t, sim.Options{})
	token := func(r *http.Request) { r.Header.Set("X-Amz-Security-Token", "bogus-session-token") }
	const want = "The security token included in the request is invalid."

	status, b := send(t, signedRequest(t, srv, http.MethodPost, "kms", srv.Region, "TrentService.ListKeys", kmsCT, "{}", token))
	if code, msg := errorCode(t, status, b); status != 400 || code != "UnrecognizedClientException" || msg != want {
		t.Errorf("kms with token: %d %s %q", status, code, msg)
	}
	status, b = send(t, signedRequest(t, srv, http.MethodPost, "sts", srv.Region, "", formCT, "Action=GetCallerIdentity&Version=2011-06-15", token))
	if code, msg := errorCode(t, status, b); status != 403 || code != "InvalidClientTokenId" || msg != want {
		t.Errorf("sts with token: %d %s %q", status, code, msg)
	}

	// The same through the SDK: session credentials are refused, not downgraded.
	cfg := sdkConfig(srv, srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey)
	cfg.Credentials = aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: srv.Admin.AccessKeyID, SecretAccessKey: srv.Admin.SecretAccessKey, SessionToken: "FwoGZXIvYXdzE"}, nil
	})
	_, err := kms.NewFromConfig(cfg).ListKeys(context.Background(), &kms.ListKeysInput{})
	if code, _ := awsErr(t, "call", err); code != "UnrecognizedClientException" {
		t.Errorf("SDK with a session token: %v", err)
	}

	// A presigned URL with a token in its query string.
	q := url.Values{"Action": {"GetCallerIdentity"}, "Version": {"2011-06-15"}, "X-Amz-Security-Token": {"bogus"}}
	status, b = send(t, presign(t, srv, "sts", q))
	if code, _ := errorCode(t, status, b); status != 403 || code != "InvalidClientTokenId" {
		t.Errorf("presigned with token: %d %s", status, code)
	}
}

// presign makes a presigned GET for a query-protocol service.
func presign(t *testing.T, srv *sim.Server, service string, q url.Values) *http.Request {
	t.Helper()
	q.Set("X-Amz-Expires", "300") // the Go signer leaves the lifetime to the caller
	u := srv.URL + "/?" + q.Encode()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	creds := aws.Credentials{AccessKeyID: srv.Admin.AccessKeyID, SecretAccessKey: srv.Admin.SecretAccessKey}
	signed, _, err := v4.NewSigner().PresignHTTP(context.Background(), creds, req, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", service, srv.Region, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	out, err := http.NewRequest(http.MethodGet, signed, nil)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestMethods: query services take GET (presigned URLs) and POST; JSON
// services take POST only; nothing else reaches a handler, and no method is
// answered with a 5xx.
func TestMethods(t *testing.T) {
	srv := startSim(t, sim.Options{})
	q := url.Values{"Action": {"GetCallerIdentity"}, "Version": {"2011-06-15"}}
	status, b := send(t, presign(t, srv, "sts", q))
	if status != 200 || !strings.Contains(string(b), srv.AdminARN) {
		t.Errorf("presigned GetCallerIdentity: %d %s", status, b)
	}
	tests := []struct {
		method, service, target, ct, body string
		status                            int
		code                              string
	}{
		{http.MethodGet, "kms", "TrentService.ListKeys", kmsCT, "", 400, "UnknownOperationException"},
		{http.MethodPut, "kms", "TrentService.ListKeys", kmsCT, "{}", 400, "UnknownOperationException"},
		{http.MethodDelete, "dynamodb", "DynamoDB_20120810.ListTables", ddbCT, "{}", 400, "UnknownOperationException"},
		{http.MethodPut, "iam", "", formCT, "Action=ListUsers&Version=2010-05-08", 405, "MethodNotAllowed"},
		{http.MethodPost, "iam", "", formCT, "Action=ListUsers&Version=2010-05-08", 200, ""},
	}
	for _, tc := range tests {
		status, b := send(t, signedRequest(t, srv, tc.method, tc.service, srv.Region, tc.target, tc.ct, tc.body, nil))
		if code, _ := errorCode(t, status, b); status != tc.status || code != tc.code {
			t.Errorf("%s %s: %d %s, want %d %s", tc.method, tc.service, status, code, tc.status, tc.code)
		}
	}
}

// TestOversizedRequests: bodies beyond 16 MB and header blocks beyond the
// limit are refused with a 4xx, never read into memory whole or answered 5xx.
func TestOversizedRequests(t *testing.T) {
	srv := startSim(t, sim.Options{})

	// Declared too large: refused before reading.
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/", io.LimitReader(zeros{}, 17<<20))
	req.ContentLength = 17 << 20
	req.Header.Set("X-Amz-Target", "TrentService.ListKeys")
	status, b := send(t, req)
	if code, _ := errorCode(t, status, b); status != 413 || code != "RequestEntityTooLarge" {
		t.Errorf("declared 17 MB: %d %s", status, code)
	}
	// Chunked (no length): cut off at the limit.
	req, _ = http.NewRequest(http.MethodPost, srv.URL+"/", io.NopCloser(io.LimitReader(zeros{}, 17<<20)))
	req.ContentLength = -1
	status, b = send(t, req)
	if code, _ := errorCode(t, status, b); status != 413 || code != "RequestEntityTooLarge" {
		t.Errorf("chunked 17 MB: %d %s", status, code)
	}
	// Headers: a 1 MB header is refused by the server itself.
	req, _ = http.NewRequest(http.MethodPost, srv.URL+"/", strings.NewReader("{}"))
	req.Header.Set("X-Padding", strings.Repeat("a", 1<<20))
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("1 MB header: %d", resp.StatusCode)
		}
	}
	// The server still serves afterwards.
	c := kms.NewFromConfig(sdkConfig(srv, srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey))
	if _, err := c.ListKeys(context.Background(), &kms.ListKeysInput{}); err != nil {
		t.Fatal(err)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// TestSlowClientIsCut: a client that opens a connection and never finishes its
// headers is disconnected (ReadHeaderTimeout), not kept forever.
func TestSlowClientIsCut(t *testing.T) {
	t.Parallel()
	srv := startSim(t, sim.Options{HeaderTimeout: 300 * time.Millisecond})
	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST / HTTP/1.1\r\nHost: x\r\n") // and never the blank line
	_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	start := time.Now()
	_, err = io.ReadAll(conn)
	if err != nil {
		t.Fatalf("the server kept a stalled connection for %s: %v", time.Since(start), err)
	}
}

// TestPanicsBecomeInternalFailure: a panic anywhere in serving (here the fault
// hook, which runs outside the handlers' own guard) answers InternalFailure
// without its text, and the server keeps serving.
func TestPanicsBecomeInternalFailure(t *testing.T) {
	const leak = "panic-value-with-AKIASECRETDATA"
	srv := startSim(t, sim.Options{Fault: func(service, op string) *api.Error {
		if op == "ListKeys" {
			panic(leak)
		}
		return nil
	}})
	status, b := send(t, signedRequest(t, srv, http.MethodPost, "kms", srv.Region, "TrentService.ListKeys", kmsCT, "{}", nil))
	if code, _ := errorCode(t, status, b); status != 500 || code != "InternalFailure" || strings.Contains(string(b), leak) {
		t.Errorf("panicking call: %d %s", status, b)
	}
	for _, ev := range srv.Audit() {
		if strings.Contains(ev.ErrorMessage, leak) {
			t.Errorf("the audit trail holds the panic value: %+v", ev)
		}
	}
	c := iam.NewFromConfig(sdkConfig(srv, srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey))
	if _, err := c.ListUsers(context.Background(), &iam.ListUsersInput{}); err != nil {
		t.Fatal(err)
	}
}

// TestSecretsNeverFormat: every fmt verb on the server, its admin
// credentials and its options leaves the secret out.
func TestSecretsNeverFormat(t *testing.T) {
	const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	opts := sim.Options{AdminAccessKeyID: "AKIAIOSFODNN7EXAMPLE", AdminSecretAccessKey: secret}
	srv, err := sim.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if srv.Admin.SecretAccessKey != secret {
		t.Fatal("the secret must stay usable")
	}
	for _, v := range []any{srv, *srv, srv.Admin, &srv.Admin, opts, &opts} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
			out := fmt.Sprintf(verb, v)
			if strings.Contains(out, secret) || strings.Contains(out, "bPxRfiCY") {
				t.Errorf("%s of %T prints the secret: %s", verb, v, out)
			}
			if !strings.Contains(out, "AKIAIOSFODNN7EXAMPLE") && !strings.HasPrefix(out, "&") && !strings.HasPrefix(out, "0x") {
				t.Errorf("%s of %T lost the access key id: %s", verb, v, out)
			}
		}
	}
}

// TestSeededSecretsAreUnpredictable: a seed fixes ids, never the admin's
// secret; anyone on the machine can reach loopback and knows the seed.
func TestSeededSecretsAreUnpredictable(t *testing.T) {
	seeded := func() *sim.Server {
		srv, err := sim.New(sim.Options{Rand: strings.NewReader(strings.Repeat("kmslab-seed-", 4096))})
		if err != nil {
			t.Fatal(err)
		}
		return srv
	}
	a, b := seeded(), seeded()
	if a.Admin.AccessKeyID != b.Admin.AccessKeyID {
		t.Errorf("seeded access key ids differ: %s %s", a.Admin.AccessKeyID, b.Admin.AccessKeyID)
	}
	if a.Admin.SecretAccessKey == b.Admin.SecretAccessKey || len(a.Admin.SecretAccessKey) != 40 {
		t.Errorf("the seed decides the admin secret (%d chars)", len(a.Admin.SecretAccessKey))
	}
}

// TestUnsignedTargetRefused: a request whose X-Amz-Target (or Content-Type)
// was not signed is refused with AWS's wording, so a signed DescribeKey cannot
// be turned into a ScheduleKeyDeletion by changing the header in flight.
func TestUnsignedTargetRefused(t *testing.T) {
	t.Parallel()
	srv := startSim(t, sim.Options{})
	ctx := context.Background()
	client := kms.NewFromConfig(sdkConfig(srv, srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey))
	key, err := client.CreateKey(ctx, &kms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	body := fmt.Sprintf(`{"KeyId":%q,"PendingWindowInDays":7}`, *key.KeyMetadata.KeyId)

	// Signed without the target, which is added afterwards.
	req := signedRequest(t, srv, http.MethodPost, "kms", srv.Region, "", kmsCT, body, nil)
	req.Header.Set("X-Amz-Target", "TrentService.ScheduleKeyDeletion")
	status, b := send(t, req)
	code, msg := errorCode(t, status, b)
	if status != 400 || code != "InvalidSignatureException" || msg != "'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization." {
		t.Errorf("unsigned target: %d %s %q", status, code, msg)
	}

	// Signed as a DescribeKey, then switched: refused by the signature itself.
	req = signedRequest(t, srv, http.MethodPost, "kms", srv.Region, "TrentService.DescribeKey", kmsCT, body, nil)
	req.Header.Set("X-Amz-Target", "TrentService.ScheduleKeyDeletion")
	if status, b := send(t, req); status == 200 {
		t.Errorf("switched target answered 200: %s", b)
	}

	// Content-Type left out of the signature.
	req = signedRequest(t, srv, http.MethodPost, "kms", srv.Region, "TrentService.DescribeKey", "", body, func(r *http.Request) { r.Header.Del("Content-Type") })
	req.Header.Set("Content-Type", kmsCT)
	status, b = send(t, req)
	if code, msg := errorCode(t, status, b); status != 400 || code != "InvalidSignatureException" || msg != "'Content-Type' must be a 'SignedHeader' in the AWS Authorization." {
		t.Errorf("unsigned content-type: %d %s %q", status, code, msg)
	}

	d, err := client.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: key.KeyMetadata.KeyId})
	if err != nil {
		t.Fatal(err)
	}
	if d.KeyMetadata.KeyState != "Enabled" {
		t.Errorf("key state %s after the refused requests, want Enabled", d.KeyMetadata.KeyState)
	}
}

// TestTrickledHeadersAnswered: a client whose headers trickle in past the
// header timeout gets 408 Request Timeout with a sentence in the JSON error
// shape, not net/http's bare "400 Bad Request"; a client that keeps to the
// timeout is served on the same kind of connection as before.
func TestTrickledHeadersAnswered(t *testing.T) {
	t.Parallel()
	srv := startSim(t, sim.Options{HeaderTimeout: 300 * time.Millisecond})
	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
	done := make(chan []byte)
	go func() {
		_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		b, _ := io.ReadAll(conn)
		done <- b
	}()
	// One byte now and then, past the timeout, within one header line.
	for range 10 {
		if _, err := conn.Write([]byte("a")); err != nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	b := <-done
	if !strings.HasPrefix(string(b), "HTTP/1.1 408 Request Timeout\r\n") || !strings.Contains(string(b), `"__type":"RequestTimeoutException"`) || strings.Contains(string(b), "400 Bad Request") {
		t.Fatalf("trickled headers answered:\n%s", b)
	}
	// An ordinary call still works.
	status, body := send(t, signedRequest(t, srv, http.MethodPost, "kms", srv.Region, "TrentService.ListKeys", kmsCT, "{}", nil))
	if status != 200 {
		t.Fatalf("ListKeys after: %d %s", status, body)
	}
}
