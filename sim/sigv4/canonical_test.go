package sigv4

import (
	"context"
	"crypto/tls"
	"net/http"
	"net/url"
	"strings"
	"testing"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/smithy-go/logging"
)

// sdkCanonical signs req with aws-sdk-go-v2 and returns the canonical
// request the SDK logged: the reference our rebuild must reproduce.
func sdkCanonical(t *testing.T, req *http.Request, body []byte) string {
	t.Helper()
	var canonical string
	signer := v4.NewSigner(func(o *v4.SignerOptions) {
		o.LogSigning = true
		o.Logger = logging.LoggerFunc(func(_ logging.Classification, _ string, v ...any) {
			canonical, _ = v[0].(string)
		})
	})
	if err := signer.SignHTTP(context.Background(), creds(testSecret), req, hashHex(body), "kms", "us-east-1", signedAt); err != nil {
		t.Fatal(err)
	}
	if canonical == "" {
		t.Fatal("SDK logged no canonical string")
	}
	return canonical
}

// Vectors in the style of the AWS SigV4 test suite, with the expected
// canonical forms produced by the SDK signer rather than typed in.
func TestCanonicalVectors(t *testing.T) {
	tests := []struct {
		name    string
		path    string // url.URL.Path
		rawPath string // url.URL.RawPath, when the escaping is not Go's default
		query   string // raw query as it would arrive on the wire
	}{
		{name: "empty path", path: ""},
		{name: "slash", path: "/"},
		{name: "space in path", path: "/a b"},
		{name: "unreserved path", path: "/~user/x-y_z.1"},
		{name: "escaped slash", path: "/a/b", rawPath: "/a%2Fb"},
		{name: "percent in path", path: "/100%"},
		{name: "utf8 path", path: "/ünïcödé/€"},
		{name: "plus and equals in path", path: "/a+b=c"},
		{name: "double slash", path: "//a//b/"},
		{name: "dot segments kept", path: "/a/./b/../c"},
		{name: "query order", query: "b=2&a=1&c=3"},
		{name: "repeated keys sorted by value", query: "k=z&k=a&k=m"},
		{name: "sort after encoding", query: "k=a-b&k=a%2Fb&k=a.b"},
		{name: "plus is space", query: "q=a+b&r=a%2Bb"},
		{name: "lowercase escapes", query: "q=%e2%82%ac&t=%7e"},
		{name: "unescaped reserved", query: "q=a/b:c@d!e$f'g(h)i*j"},
		{name: "empty value and no equals", query: "a=&b&c=1"},
		{name: "empty pieces", query: "a=1&&b=2&"},
		{name: "utf8 key", query: "%C3%A9t%C3%A9=summer"},
		{name: "presign-like names", query: "X-Amz-Date=x&x-amz-date=y&Action=ListKeys"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := &url.URL{Scheme: "http", Host: "127.0.0.1:4566", Path: tt.path, RawPath: tt.rawPath, RawQuery: tt.query}
			req, err := http.NewRequest("GET", u.String(), nil)
			if err != nil {
				t.Fatal(err)
			}
			// Parse our side from the same wire form before the SDK rewrites the query.
			wirePath, wireQuery := req.URL.EscapedPath(), req.URL.RawQuery
			want := strings.Split(sdkCanonical(t, req, nil), "\n")

			if got := CanonicalURI(wirePath); got != want[1] {
				t.Errorf("CanonicalURI(%q) = %q, SDK %q", wirePath, got, want[1])
			}
			if got := CanonicalQuery(wireQuery); got != want[2] {
				t.Errorf("CanonicalQuery(%q) = %q, SDK %q", wireQuery, got, want[2])
			}
		})
	}
}

func TestCanonicalRequestMatchesSDK(t *testing.T) {
	body := []byte(`{"Limit":10}`)
	req, err := http.NewRequest("POST", "http://localhost:4566/some/path?x=1&a=b%20c", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "TrentService.ListKeys")
	req.Header.Set("X-Spaced", "  lots   of    space  ")
	req.Header.Add("X-Multi", "1")
	req.Header.Add("X-Multi", " 2 ")
	want := sdkCanonical(t, req, body)

	p, err := ParseAuthorization(req.Header.Get("Authorization"))
	if err != nil {
		t.Fatal(err)
	}
	if got := CanonicalRequest(req, p.SignedHeaders, hashHex(body)); got != want {
		t.Errorf("canonical request:\n%s\nSDK:\n%s", got, want)
	}
}

func TestCanonicalHost(t *testing.T) {
	tests := []struct {
		host string
		tls  bool
		want string
	}{
		{"localhost:4566", false, "localhost:4566"},
		{"localhost:80", false, "localhost"},
		{"localhost:443", false, "localhost:443"},
		{"kms.us-east-1.amazonaws.com:443", true, "kms.us-east-1.amazonaws.com"},
		{"[::1]:80", false, "[::1]"},
	}
	for _, tt := range tests {
		r, _ := http.NewRequest("GET", "http://ignored/", nil)
		r.Host = tt.host
		if tt.tls {
			r.TLS = &tls.ConnectionState{}
		}
		if got := canonicalHost(r); got != tt.want {
			t.Errorf("canonicalHost(%q, tls=%v) = %q, want %q", tt.host, tt.tls, got, tt.want)
		}
	}
}
