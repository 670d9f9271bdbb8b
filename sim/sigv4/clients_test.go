package sigv4

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"kmslab/internal/testbin"
)

// fakeAWS verifies every request at the real clock (the clients sign with
// it) and answers with a minimal success for one read-only operation per
// service, or with the error AWS would send, so clients parse real replies.
type fakeAWS struct {
	*httptest.Server
	mu      sync.Mutex
	results []result
}

func newFakeAWS(t *testing.T) *fakeAWS {
	f := &fakeAWS{}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeAWS) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	p, err := Verify(r, body, time.Now(), lookup)
	f.mu.Lock()
	f.results = append(f.results, result{p, err})
	f.mu.Unlock()

	jsonProtocol := r.Header.Get("X-Amz-Target") != ""
	w.Header().Set("x-amzn-RequestId", "00000000-0000-0000-0000-000000000000")
	if err != nil {
		var e *Error
		errors.As(err, &e)
		code, status := e.Kind.Code(jsonProtocol)
		if jsonProtocol {
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
			w.WriteHeader(status)
			_ = json.NewEncoder(w).Encode(map[string]string{"__type": code, "message": e.Message})
			return
		}
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(status)
		var msg bytes.Buffer
		_ = xml.EscapeText(&msg, []byte(e.Message))
		fmt.Fprintf(w, `<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>1</RequestId></ErrorResponse>`, code, msg.String())
		return
	}
	switch p.Service {
	case "kms":
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		io.WriteString(w, `{"Keys":[],"Truncated":false}`)
	case "dynamodb":
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		io.WriteString(w, `{"TableNames":[]}`)
	case "sts":
		w.Header().Set("Content-Type", "text/xml")
		io.WriteString(w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/kmslab</Arn><UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`)
	case "iam":
		w.Header().Set("Content-Type", "text/xml")
		io.WriteString(w, `<ListUsersResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListUsersResult><Users/><IsTruncated>false</IsTruncated></ListUsersResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></ListUsersResponse>`)
	}
}

// take returns and forgets the results recorded so far.
func (f *fakeAWS) take() []result {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := f.results
	f.results = nil
	return r
}

// expectAll fails unless at least one request arrived and all had want.
func expectAll(t *testing.T, rs []result, want Kind, service string) {
	t.Helper()
	if len(rs) == 0 {
		t.Fatal("no request reached the server")
	}
	for _, r := range rs {
		if got := kindOf(r.err); got != want {
			t.Errorf("verify kind = %v, want %v (%v)", got, want, r.err)
		}
		if want == 0 && r.p.Service != service {
			t.Errorf("service = %q, want %q", r.p.Service, service)
		}
	}
}

// TestSDKClients drives the real generated clients, with all their
// middleware (invocation ids, retries headers, content length), against
// Verify.
func TestSDKClients(t *testing.T) {
	f := newFakeAWS(t)
	ctx := context.Background()
	cfg := func(secret string) aws.Config {
		return aws.Config{
			Region:           "eu-central-1",
			Credentials:      credentials.NewStaticCredentialsProvider(testKey, secret, ""),
			BaseEndpoint:     aws.String(f.URL),
			RetryMaxAttempts: 1,
		}
	}
	calls := []struct {
		service string
		badCode string
		call    func(aws.Config) error
	}{
		{"kms", "InvalidSignatureException", func(c aws.Config) error {
			_, err := kms.NewFromConfig(c).ListKeys(ctx, &kms.ListKeysInput{Limit: aws.Int32(5)})
			return err
		}},
		{"dynamodb", "InvalidSignatureException", func(c aws.Config) error {
			_, err := dynamodb.NewFromConfig(c).ListTables(ctx, &dynamodb.ListTablesInput{})
			return err
		}},
		{"sts", "SignatureDoesNotMatch", func(c aws.Config) error {
			_, err := sts.NewFromConfig(c).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			return err
		}},
		{"iam", "SignatureDoesNotMatch", func(c aws.Config) error {
			_, err := iam.NewFromConfig(c).ListUsers(ctx, &iam.ListUsersInput{PathPrefix: aws.String("/kmslab path/")})
			return err
		}},
	}
	for _, c := range calls {
		t.Run(c.service, func(t *testing.T) {
			if err := c.call(cfg(testSecret)); err != nil {
				t.Fatalf("call with the right secret: %v", err)
			}
			expectAll(t, f.take(), 0, c.service)

			err := c.call(cfg("wrong"))
			var apiErr smithy.APIError
			if !errors.As(err, &apiErr) || apiErr.ErrorCode() != c.badCode || apiErr.ErrorMessage() != msgBadSignature {
				t.Fatalf("call with a wrong secret: %v, want %s", err, c.badCode)
			}
			expectAll(t, f.take(), BadSignature, c.service)
		})
	}
}

// crossCases are signed by another SDK's signer and sent from Go.
var crossCases = []struct {
	name, method, path, service, body, token string
	headers                                  map[string]string
}{
	{name: "kms json", method: "POST", path: "/", service: "kms", body: `{"KeyId":"alias/x"}`,
		headers: map[string]string{"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "TrentService.DescribeKey"}},
	{name: "dynamodb json", method: "POST", path: "/", service: "dynamodb", body: `{"TableName":"t"}`,
		headers: map[string]string{"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "DynamoDB_20120810.DescribeTable"}},
	{name: "iam form", method: "POST", path: "/", service: "iam", body: "Action=ListUsers&Version=2010-05-08",
		headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}},
	{name: "sts with token", method: "POST", path: "/", service: "sts", body: "Action=GetCallerIdentity&Version=2011-06-15", token: "tok/en+=",
		headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}},
	{name: "query and escaped path", method: "GET", path: "/a%20b/%C3%BC?b=2&a=x%20y&a=%2F&c=", service: "iam",
		headers: map[string]string{"X-Odd": "  a    b  c "}},
}

// crossSign has an external signer (one process for all cases, as starting
// the interpreter is the slow part) sign crossCases, sends each from Go and
// expects Verify to accept it. The signer reads a JSON array of cases on
// stdin and writes a JSON array of {"headers": {...}} on stdout.
func crossSign(t *testing.T, name string, args ...string) {
	f := newFakeAWS(t)
	specs := make([]map[string]any, len(crossCases))
	for i, tc := range crossCases {
		specs[i] = map[string]any{
			"method": tc.method, "url": f.URL + tc.path, "body": tc.body, "headers": tc.headers,
			"key": testKey, "secret": testSecret, "token": tc.token, "service": tc.service, "region": "us-west-2",
		}
	}
	in, _ := json.Marshal(specs)
	cmd := exec.Command(name, args...)
	cmd.Stdin = bytes.NewReader(in)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var signed []struct {
		Headers map[string]string `json:"headers"`
	}
	if err := json.Unmarshal(out, &signed); err != nil || len(signed) != len(crossCases) {
		t.Fatalf("%s output %q: %v", name, out, err)
	}
	for i, tc := range crossCases {
		t.Run(tc.name, func(t *testing.T) {
			req := newRequest(t, tc.method, f.URL+tc.path, []byte(tc.body), nil)
			for k, v := range signed[i].Headers {
				if !strings.EqualFold(k, "host") { // Go sends the same host from the URL
					req.Header.Set(k, v)
				}
			}
			resp, err := f.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			rs := f.take()
			expectAll(t, rs, 0, tc.service)
			if len(rs) > 0 && rs[0].p.SecurityToken != tc.token {
				t.Errorf("token = %q, want %q", rs[0].p.SecurityToken, tc.token)
			}
		})
	}
}

const botocoreSign = `
import json, sys
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
out = []
for s in json.load(sys.stdin):
    req = AWSRequest(method=s["method"], url=s["url"], data=s["body"].encode(), headers=s["headers"])
    SigV4Auth(Credentials(s["key"], s["secret"], s["token"] or None), s["service"], s["region"]).add_auth(req)
    out.append({"headers": dict(req.headers.items())})
json.dump(out, sys.stdout)
`

// TestBotocoreSigned signs with botocore's SigV4Auth, which the AWS CLI
// (v1 and v2) uses; skipped where python3 or botocore is missing.
func TestBotocoreSigned(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not installed")
	}
	if err := exec.Command("python3", "-c", "import botocore.auth").Run(); err != nil {
		t.Skip("botocore not installed")
	}
	crossSign(t, "python3", "-c", botocoreSign)
}

const jsSign = `
const { SignatureV4 } = require("@smithy/signature-v4");
const { Sha256 } = require("@aws-crypto/sha256-js");
let input = "";
process.stdin.on("data", (d) => (input += d));
process.stdin.on("end", async () => {
  const out = [];
  for (const s of JSON.parse(input)) {
    const u = new URL(s.url);
    const query = {};
    for (const [k, v] of u.searchParams) query[k] = k in query ? [].concat(query[k], v) : v;
    const signer = new SignatureV4({
      service: s.service, region: s.region, sha256: Sha256,
      credentials: { accessKeyId: s.key, secretAccessKey: s.secret, sessionToken: s.token || undefined },
    });
    const signed = await signer.sign({
      method: s.method, protocol: "http:", hostname: u.hostname, port: Number(u.port),
      path: u.pathname, query, headers: { host: u.host, ...s.headers }, body: s.body,
    });
    out.push({ headers: signed.headers });
  }
  process.stdout.write(JSON.stringify(out));
});
`

// TestJSSDKSigned signs with @smithy/signature-v4, the signer of the
// JavaScript SDK v3. It runs where node can require it, e.g. with
// NODE_PATH=/path/to/node_modules after
// "npm install @smithy/signature-v4 @aws-crypto/sha256-js".
func TestJSSDKSigned(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node not installed")
	}
	if err := exec.Command("node", "-e", `require("@smithy/signature-v4"); require("@aws-crypto/sha256-js")`).Run(); err != nil {
		t.Skip("@smithy/signature-v4 not installed (set NODE_PATH)")
	}
	crossSign(t, "node", "-e", jsSign)
}

// TestAWSCLI runs the installed AWS CLI against Verify, and checks it
// understands our rejection.
func TestAWSCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: starts the AWS CLI")
	}
	awsCLI := testbin.FirstAWSCLI(t).Path
	t.Parallel() // the CLI's start-up is its own: run beside the in-process checks
	home := t.TempDir()
	run := func(f *fakeAWS, secret string, args ...string) (string, error) {
		cmd := exec.Command(awsCLI, append(args, "--endpoint-url", f.URL, "--region", "us-east-1", "--output", "json")...)
		// Nothing from the developer's own AWS setup may leak in.
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "AWS_") && !strings.HasPrefix(kv, "HOME=") {
				cmd.Env = append(cmd.Env, kv)
			}
		}
		cmd.Env = append(cmd.Env,
			"HOME="+home, "AWS_CONFIG_FILE="+home+"/none", "AWS_SHARED_CREDENTIALS_FILE="+home+"/none",
			"AWS_ACCESS_KEY_ID="+testKey, "AWS_SECRET_ACCESS_KEY="+secret,
			"AWS_MAX_ATTEMPTS=1", "AWS_EC2_METADATA_DISABLED=true", "AWS_PAGER=")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	for _, c := range []struct {
		service string
		args    []string
		badCode string
	}{
		{"kms", []string{"kms", "list-keys"}, "InvalidSignatureException"},
		{"sts", []string{"sts", "get-caller-identity"}, "SignatureDoesNotMatch"},
	} {
		t.Run(c.service, func(t *testing.T) {
			t.Parallel() // each service against its own fake
			f := newFakeAWS(t)
			if out, err := run(f, testSecret, c.args...); err != nil {
				t.Fatalf("aws %v: %v\n%s", c.args, err, out)
			}
			expectAll(t, f.take(), 0, c.service)

			out, err := run(f, "wrong", c.args...)
			if err == nil || !strings.Contains(out, "("+c.badCode+")") || !strings.Contains(out, msgBadSignature) {
				t.Fatalf("aws %v with a wrong secret: err %v\n%s", c.args, err, out)
			}
			expectAll(t, f.take(), BadSignature, c.service)
		})
	}
}
