package sigv4

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"kmslab/internal/keyedhash"
)

const (
	testKey    = "AKIDEXAMPLE"
	testSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
)

// signedAt is the signing time of every hand-built request; verifiers run
// relative to it so the skew messages are reproducible.
var signedAt = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func lookup(id string) (string, bool) {
	if id == testKey {
		return testSecret, true
	}
	return "", false
}

func hashHex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// sdkSign signs req the way aws-sdk-go-v2 clients do.
func sdkSign(t *testing.T, req *http.Request, body []byte, creds aws.Credentials, service, region string, at time.Time) {
	t.Helper()
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hashHex(body), service, region, at); err != nil {
		t.Fatalf("sign: %v", err)
	}
}

func creds(secret string) aws.Credentials {
	return aws.Credentials{AccessKeyID: testKey, SecretAccessKey: secret}
}

type result struct {
	p   Params
	err error
}

// server verifies whatever reaches it at the clock now() and keeps the last
// result, so tests see requests exactly as Go's HTTP server parses them off
// the wire (Host moved out of the header map, values trimmed, ...).
type server struct {
	*httptest.Server
	now  time.Time
	mu   sync.Mutex
	last result
}

func newServer(t *testing.T, now time.Time) *server {
	s := &server{now: now}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("read body: %v", err)
		}
		p, verr := Verify(r, body, s.now, lookup)
		s.mu.Lock()
		s.last = result{p, verr}
		s.mu.Unlock()
	}))
	t.Cleanup(s.Close)
	return s
}

// send delivers req over loopback and returns what the server's Verify said.
func (s *server) send(t *testing.T, req *http.Request) (Params, error) {
	t.Helper()
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	resp.Body.Close()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last.p, s.last.err
}

func newRequest(t *testing.T, method, url string, body []byte, header map[string][]string) *http.Request {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	return req
}

func kindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return 0
}

func TestVerifySDKSigned(t *testing.T) {
	srv := newServer(t, signedAt.Add(3*time.Minute))
	tests := []struct {
		name    string
		method  string
		path    string // appended to the server URL
		service string
		region  string
		header  map[string][]string
		body    string
		token   string
	}{
		{
			name: "kms json", method: "POST", path: "/", service: "kms", region: "us-east-1",
			header: map[string][]string{"Content-Type": {"application/x-amz-json-1.1"}, "X-Amz-Target": {"TrentService.Encrypt"}},
			body:   `{"KeyId":"alias/kmslab-1","Plaintext":"aGVsbG8="}`,
		},
		{
			name: "dynamodb json", method: "POST", path: "/", service: "dynamodb", region: "eu-west-3",
			header: map[string][]string{"Content-Type": {"application/x-amz-json-1.0"}, "X-Amz-Target": {"DynamoDB_20120810.Scan"}},
			body:   `{"TableName":"kmslab-1"}`,
		},
		{
			name: "iam form", method: "POST", path: "/", service: "iam", region: "us-east-1",
			header: map[string][]string{"Content-Type": {"application/x-www-form-urlencoded; charset=utf-8"}},
			body:   "Action=CreateUser&UserName=kmslab-user-1&Version=2010-05-08",
		},
		{
			name: "sts form with session token", method: "POST", path: "/", service: "sts", region: "ap-southeast-2",
			header: map[string][]string{"Content-Type": {"application/x-www-form-urlencoded; charset=utf-8"}},
			body:   "Action=GetCallerIdentity&Version=2011-06-15",
			token:  "FwoGZXIvYXdzEXAMPLETOKEN+/=",
		},
		{
			name: "query string", method: "GET", path: "/?b=2&a=1&a=0&c=x%20y&d=a%2Fb&e=~&f=&g=%C3%A9&h=a-b&h=a%2Fb&Action=List",
			service: "iam", region: "us-east-1",
		},
		{
			name: "escaped path", method: "GET", path: "/a%20b/c%2Fd/%C3%BC~x", service: "kms", region: "us-east-1",
		},
		{
			name: "odd header spacing and repeated headers", method: "POST", path: "/", service: "kms", region: "us-east-1",
			header: map[string][]string{
				"Content-Type": {"application/x-amz-json-1.1"},
				"X-Amz-Target": {"TrentService.ListKeys"},
				"X-Odd":        {"  a   b    c  "},
				"X-Multi":      {"one", "  two  three ", "four"},
			},
			body: `{}`,
		},
		{
			name: "no body", method: "GET", path: "/", service: "sts", region: "us-east-1",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := []byte(tt.body)
			req := newRequest(t, tt.method, srv.URL+tt.path, body, tt.header)
			c := creds(testSecret)
			c.SessionToken = tt.token
			sdkSign(t, req, body, c, tt.service, tt.region, signedAt)
			p, err := srv.send(t, req)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if p.AccessKeyID != testKey || p.Region != tt.region || p.Service != tt.service || p.Date != "20260101" {
				t.Errorf("params = %+v", p)
			}
			if !p.Time.Equal(signedAt) || p.SecurityToken != tt.token || p.Presigned {
				t.Errorf("time/token/presigned = %v %q %v", p.Time, p.SecurityToken, p.Presigned)
			}
		})
	}
}

func TestVerifyRejects(t *testing.T) {
	body := []byte(`{"KeyId":"alias/kmslab-1"}`)
	header := map[string][]string{"Content-Type": {"application/x-amz-json-1.1"}, "X-Amz-Target": {"TrentService.Decrypt"}}
	srv := newServer(t, signedAt)
	tests := []struct {
		name   string
		sign   aws.Credentials
		mutate func(r *http.Request)
		want   Kind
		msg    string
	}{
		{name: "valid", sign: creds(testSecret)},
		{name: "unsigned header changed", sign: creds(testSecret),
			mutate: func(r *http.Request) { r.Header.Set("User-Agent", "something-else") }},
		{name: "wrong secret", sign: creds("not-the-secret"), want: BadSignature, msg: msgBadSignature},
		{name: "unknown key", sign: aws.Credentials{AccessKeyID: "AKIDUNKNOWN", SecretAccessKey: testSecret},
			want: UnknownKey, msg: "The security token included in the request is invalid."},
		{name: "tampered body", sign: creds(testSecret), want: BadSignature, msg: msgBadSignature,
			mutate: func(r *http.Request) {
				tampered := bytes.Replace(body, []byte("kmslab-1"), []byte("kmslab-2"), 1)
				r.Body = io.NopCloser(bytes.NewReader(tampered))
			}},
		{name: "tampered signed header", sign: creds(testSecret), want: BadSignature, msg: msgBadSignature,
			mutate: func(r *http.Request) { r.Header.Set("X-Amz-Target", "TrentService.Encrypt") }},
		{name: "missing authorization", sign: creds(testSecret), want: Missing, msg: "Missing Authentication Token",
			mutate: func(r *http.Request) { r.Header.Del("Authorization") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := newRequest(t, "POST", srv.URL+"/", body, header)
			sdkSign(t, req, body, tt.sign, "kms", "us-east-1", signedAt)
			if tt.mutate != nil {
				tt.mutate(req)
			}
			_, err := srv.send(t, req)
			if got := kindOf(err); got != tt.want {
				t.Fatalf("kind = %v, want %v (err %v)", got, tt.want, err)
			}
			if err == nil {
				return
			}
			var e *Error
			errors.As(err, &e)
			if e.Message != tt.msg {
				t.Errorf("message = %q, want %q", e.Message, tt.msg)
			}
			if tt.want == BadSignature && !strings.HasPrefix(e.StringToSign, Algorithm+"\n20260101T000000Z\n20260101/us-east-1/kms/aws4_request\n") {
				t.Errorf("string to sign not kept for debugging: %q", e.StringToSign)
			}
		})
	}
}

// X-Amz-Content-Sha256 is never trusted for the hash, except the literal
// UNSIGNED-PAYLOAD.
func TestVerifyContentSha256Header(t *testing.T) {
	srv := newServer(t, signedAt)
	body := []byte("Action=GetCallerIdentity&Version=2011-06-15")

	honest := newRequest(t, "POST", srv.URL+"/", body, map[string][]string{"X-Amz-Content-Sha256": {hashHex(body)}})
	sdkSign(t, honest, body, creds(testSecret), "sts", "us-east-1", signedAt)
	if _, err := srv.send(t, honest); err != nil {
		t.Errorf("honest hash header: %v", err)
	}

	unsigned := newRequest(t, "POST", srv.URL+"/", body, map[string][]string{"X-Amz-Content-Sha256": {UnsignedPayload}})
	if err := v4.NewSigner().SignHTTP(context.Background(), creds(testSecret), unsigned, UnsignedPayload, "sts", "us-east-1", signedAt); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.send(t, unsigned); err != nil {
		t.Errorf("UNSIGNED-PAYLOAD: %v", err)
	}

	// Signed over the hash of other bytes and claiming it, but carrying body.
	other := hashHex([]byte("Action=DeleteUser"))
	lying := newRequest(t, "POST", srv.URL+"/", body, map[string][]string{"X-Amz-Content-Sha256": {other}})
	if err := v4.NewSigner().SignHTTP(context.Background(), creds(testSecret), lying, other, "sts", "us-east-1", signedAt); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.send(t, lying); kindOf(err) != BadSignature {
		t.Errorf("lying hash header: err = %v, want BadSignature", err)
	}
}

func TestVerifySkew(t *testing.T) {
	body := []byte(`{}`)
	tests := []struct {
		name string
		now  time.Time
		msg  string // "" when accepted
	}{
		{name: "same instant", now: signedAt},
		{name: "15 min later still fine", now: signedAt.Add(15 * time.Minute)},
		{name: "15 min earlier still fine", now: signedAt.Add(-15 * time.Minute)},
		{name: "16 min later", now: signedAt.Add(16 * time.Minute),
			msg: "Signature expired: 20260101T000000Z is now earlier than 20260101T000100Z (20260101T001600Z - 15 min.)"},
		{name: "25 min later", now: signedAt.Add(25 * time.Minute),
			msg: "Signature expired: 20260101T000000Z is now earlier than 20260101T001000Z (20260101T002500Z - 15 min.)"},
		{name: "16 min earlier", now: signedAt.Add(-16 * time.Minute),
			msg: "Signature not yet current: 20260101T000000Z is still later than 20251231T235900Z (20251231T234400Z + 15 min.)"},
		{name: "clock in another zone", now: signedAt.Add(20 * time.Minute).In(time.FixedZone("X", 5*3600)),
			msg: "Signature expired: 20260101T000000Z is now earlier than 20260101T000500Z (20260101T002000Z - 15 min.)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, tt.now)
			req := newRequest(t, "POST", srv.URL+"/", body, nil)
			sdkSign(t, req, body, creds(testSecret), "kms", "us-east-1", signedAt)
			_, err := srv.send(t, req)
			if tt.msg == "" {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Kind != Expired || e.Message != tt.msg {
				t.Fatalf("err = %#v, want Expired %q", err, tt.msg)
			}
		})
	}
}

// rawRequest builds a server-side request with the given headers, the way
// malformed clients would send them.
func rawRequest(target string, header map[string]string) *http.Request {
	r := httptest.NewRequest("POST", target, strings.NewReader("{}"))
	for k, v := range header {
		r.Header.Set(k, v)
	}
	return r
}

func TestVerifyMalformed(t *testing.T) {
	const (
		cred   = "Credential=AKIDEXAMPLE/20260101/us-east-1/kms/aws4_request"
		signed = "SignedHeaders=host;x-amz-date"
		sig    = "Signature=" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		good   = Algorithm + " " + cred + ", " + signed + ", " + sig
		date   = "20260101T000000Z"
	)
	tests := []struct {
		name   string
		target string
		header map[string]string
		want   Kind
		msg    string
	}{
		{name: "well formed but unsigned garbage", target: "/",
			header: map[string]string{"Authorization": good, "X-Amz-Date": date},
			want:   BadSignature, msg: msgBadSignature},
		{name: "nothing", target: "/", want: Missing, msg: msgMissing},
		{name: "garbage", target: "/", header: map[string]string{"Authorization": "foo", "X-Amz-Date": date}, want: Incomplete,
			msg: "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=foo"},
		{name: "garbage without date", target: "/", header: map[string]string{"Authorization": "Bearer x"}, want: Incomplete,
			msg: "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=Bearer x"},
		{name: "no signature", target: "/", header: map[string]string{"Authorization": Algorithm + " " + cred + ", " + signed, "X-Amz-Date": date},
			want: Incomplete, msg: "Authorization header requires 'Signature' parameter. Authorization=" + Algorithm + " " + cred + ", " + signed},
		{name: "no date", target: "/", header: map[string]string{"Authorization": good},
			want: Incomplete, msg: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=" + good},
		{name: "other algorithm", target: "/", header: map[string]string{"Authorization": strings.Replace(good, "SHA256", "SHA1", 1), "X-Amz-Date": date},
			want: Incomplete, msg: "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA1'. Authorization=" + strings.Replace(good, "SHA256", "SHA1", 1)},
		{name: "bad terminator", target: "/", header: map[string]string{"Authorization": strings.Replace(good, "aws4_request", "aws4_reqest", 1), "X-Amz-Date": date},
			want: Incomplete, msg: "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws4_reqest'. Authorization=" + strings.Replace(good, "aws4_request", "aws4_reqest", 1)},
		{name: "short credential", target: "/", header: map[string]string{"Authorization": strings.Replace(good, "/us-east-1", "", 1), "X-Amz-Date": date},
			want: Incomplete},
		{name: "empty signed header name", target: "/", header: map[string]string{"Authorization": strings.Replace(good, "host;", "host;;", 1), "X-Amz-Date": date},
			want: Incomplete},
		{name: "bad scope date", target: "/", header: map[string]string{"Authorization": strings.Replace(good, "20260101", "2026-1-1", 1), "X-Amz-Date": date},
			want: Incomplete, msg: "Credential should be scoped to a valid date in yyyyMMdd format, not '2026-1-1'."},
		{name: "bad x-amz-date", target: "/", header: map[string]string{"Authorization": good, "X-Amz-Date": "2026-01-01T00:00:00Z"},
			want: Incomplete, msg: "Date must be in ISO-8601 'basic format'. Got '2026-01-01T00:00:00Z'. See http://en.wikipedia.org/wiki/ISO_8601"},
		{name: "scope date differs", target: "/", header: map[string]string{"Authorization": good, "X-Amz-Date": "20260102T000000Z"},
			want: Incomplete, msg: "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20260101' != '20260102', from '20260102T000000Z'."},
		{name: "unknown key beats bad signature", target: "/", header: map[string]string{"Authorization": strings.Replace(good, "AKIDEXAMPLE", "AKIDOTHER", 1), "X-Amz-Date": date},
			want: UnknownKey, msg: msgUnknownKey},
		{name: "date header fallback", target: "/", header: map[string]string{"Authorization": good, "Date": "Thu, 01 Jan 2026 00:00:00 GMT"},
			want: BadSignature, msg: msgBadSignature},
		{name: "header and presign", target: "/?X-Amz-Algorithm=" + Algorithm, header: map[string]string{"Authorization": good, "X-Amz-Date": date},
			want: Incomplete},
		{name: "presign missing parts", target: "/?X-Amz-Algorithm=" + Algorithm + "&X-Amz-Date=" + date, want: Incomplete,
			msg: "AWS query-string parameters must include 'X-Amz-Credential'. AWS query-string parameters must include 'X-Amz-Signature'. AWS query-string parameters must include 'X-Amz-SignedHeaders'. AWS query-string parameters must include 'X-Amz-Expires'. Re-examine the query-string parameters."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Verify(rawRequest(tt.target, tt.header), []byte("{}"), signedAt, lookup)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want *Error", err)
			}
			if e.Kind != tt.want {
				t.Fatalf("kind = %v, want %v (%s)", e.Kind, tt.want, e.Message)
			}
			if tt.msg != "" && e.Message != tt.msg {
				t.Errorf("message =\n%q\nwant\n%q", e.Message, tt.msg)
			}
		})
	}

	t.Run("two authorization headers", func(t *testing.T) {
		r := rawRequest("/", map[string]string{"X-Amz-Date": date})
		r.Header.Add("Authorization", good)
		r.Header.Add("Authorization", good)
		if _, err := Verify(r, nil, signedAt, lookup); kindOf(err) != Incomplete {
			t.Errorf("err = %v, want Incomplete", err)
		}
	})
}

func TestParseAuthorization(t *testing.T) {
	h := "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/kms/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=abc123"
	p, err := ParseAuthorization(h)
	if err != nil {
		t.Fatal(err)
	}
	want := Params{AccessKeyID: "AKID", Date: "20260101", Region: "us-east-1", Service: "kms",
		SignedHeaders: []string{"content-type", "host", "x-amz-date", "x-amz-target"}, Signature: "abc123"}
	if p.AccessKeyID != want.AccessKeyID || p.Date != want.Date || p.Region != want.Region || p.Service != want.Service ||
		strings.Join(p.SignedHeaders, ";") != strings.Join(want.SignedHeaders, ";") || p.Signature != want.Signature {
		t.Errorf("got %+v\nwant %+v", p, want)
	}
	// Separators without spaces, as some hand-rolled signers write them.
	if _, err := ParseAuthorization(strings.ReplaceAll(h, ", ", ",")); err != nil {
		t.Errorf("compact form: %v", err)
	}
	if _, err := ParseAuthorization(""); kindOf(err) != Incomplete {
		t.Errorf("empty header: %v", err)
	}
}

func TestPresigned(t *testing.T) {
	presign := func(t *testing.T, url string, expires string) *http.Request {
		t.Helper()
		req := newRequest(t, "GET", url+"/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Expires="+expires, nil, nil)
		c := creds(testSecret)
		c.SessionToken = "session-token"
		signedURL, hdr, err := v4.NewSigner().PresignHTTP(context.Background(), c, req, hashHex(nil), "sts", "us-east-1", signedAt)
		if err != nil {
			t.Fatal(err)
		}
		out := newRequest(t, "GET", signedURL, nil, nil)
		for k, vs := range hdr {
			if !strings.EqualFold(k, "host") {
				out.Header[k] = vs
			}
		}
		return out
	}
	tests := []struct {
		name    string
		expires string
		after   time.Duration
		want    Kind
	}{
		{name: "fresh", expires: "900", after: 5 * time.Minute},
		{name: "long expiry outlives skew window", expires: "3600", after: 50 * time.Minute},
		{name: "expired", expires: "900", after: 16 * time.Minute, want: Expired},
		{name: "from the future", expires: "900", after: -16 * time.Minute, want: Expired},
		{name: "expiry too long", expires: "604801", after: 0, want: Incomplete},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, signedAt.Add(tt.after))
			p, err := srv.send(t, presign(t, srv.URL, tt.expires))
			if kindOf(err) != tt.want {
				t.Fatalf("err = %v, want kind %v", err, tt.want)
			}
			if err == nil && (!p.Presigned || p.SecurityToken != "session-token" || p.Service != "sts") {
				t.Errorf("params = %+v", p)
			}
		})
	}

	t.Run("tampered query", func(t *testing.T) {
		srv := newServer(t, signedAt)
		req := presign(t, srv.URL, "900")
		req.URL.RawQuery = strings.Replace(req.URL.RawQuery, "GetCallerIdentity", "GetSessionToken", 1)
		if _, err := srv.send(t, req); kindOf(err) != BadSignature {
			t.Errorf("err = %v, want BadSignature", err)
		}
	})
}

func TestKindCode(t *testing.T) {
	tests := []struct {
		kind       Kind
		json       bool
		code       string
		httpStatus int
	}{
		{Missing, true, "MissingAuthenticationTokenException", 400},
		{Incomplete, true, "IncompleteSignatureException", 400},
		{UnknownKey, true, "UnrecognizedClientException", 400},
		{BadSignature, true, "InvalidSignatureException", 400},
		{Expired, true, "InvalidSignatureException", 400},
		{Missing, false, "MissingAuthenticationToken", 403},
		{Incomplete, false, "IncompleteSignature", 400},
		{UnknownKey, false, "InvalidClientTokenId", 403},
		{BadSignature, false, "SignatureDoesNotMatch", 403},
		{Expired, false, "SignatureDoesNotMatch", 403},
	}
	for _, tt := range tests {
		code, status := tt.kind.Code(tt.json)
		if code != tt.code || status != tt.httpStatus {
			t.Errorf("%v.Code(%v) = %s %d, want %s %d", tt.kind, tt.json, code, status, tt.code, tt.httpStatus)
		}
	}
}

// The signing-key cache signs as SigningKey's key does, tells secrets and
// scopes apart, and stays bounded however many scopes it sees.
func TestKeyCache(t *testing.T) {
	c := &keyCache{keys: map[keyScope]*keyedhash.Hasher{}}
	sign := func(h *keyedhash.Hasher) string { return hex.EncodeToString(h.Append(nil, []byte("to sign"))) }
	for i := range 3 * maxCachedKeys {
		secret := "secret-" + strconv.Itoa(i%7)
		date := "202611" + strconv.Itoa(10+i%20)
		got := sign(c.get(secret, date, "us-east-1", "kms"))
		if want := Signature(SigningKey(secret, date, "us-east-1", "kms"), "to sign"); got != want {
			t.Fatalf("scope %d: cached key differs from SigningKey", i)
		}
		if len(c.keys) > maxCachedKeys {
			t.Fatalf("cache holds %d keys, bound is %d", len(c.keys), maxCachedKeys)
		}
	}
	if sign(c.get("a", "20261101", "us-east-1", "kms")) == sign(c.get("b", "20261101", "us-east-1", "kms")) {
		t.Fatal("two secrets share a cached key")
	}
}
