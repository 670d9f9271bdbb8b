package sigv4

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"golang.org/x/net/http/httpguts"
)

func FuzzParseAuthorization(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/kms/aws4_request, SignedHeaders=host;x-amz-date, Signature=abcd")
	f.Add("AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/kms/aws4_request,SignedHeaders=host,Signature=0")
	f.Add("AWS4-HMAC-SHA256 Credential=/////, SignedHeaders=;, Signature=")
	f.Add("AWS4-HMAC-SHA256 Credential==, ,,=, Signature")
	f.Add("foo")
	f.Add("")
	f.Fuzz(func(t *testing.T, h string) {
		p, err := ParseAuthorization(h)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Kind != Incomplete || e.Message == "" {
				t.Fatalf("error %#v is not an Incomplete *Error", err)
			}
			return
		}
		if p.AccessKeyID == "" || len(p.Date) != 8 || p.Region == "" || p.Service == "" || p.Signature == "" || len(p.SignedHeaders) == 0 {
			t.Fatalf("accepted %q with incomplete params %+v", h, p)
		}
		for _, name := range p.SignedHeaders {
			if name == "" {
				t.Fatalf("accepted %q with an empty signed header name", h)
			}
		}
		// What was accepted survives a rewrite in the canonical layout.
		again, err := ParseAuthorization(Algorithm + " Credential=" + strings.Join([]string{p.AccessKeyID, p.Date, p.Region, p.Service, "aws4_request"}, "/") +
			", SignedHeaders=" + strings.Join(p.SignedHeaders, ";") + ", Signature=" + p.Signature)
		if err != nil || again.AccessKeyID != p.AccessKeyID || again.Signature != p.Signature {
			t.Fatalf("accepted %q but not its rewrite: %+v, %v", h, again, err)
		}
	})
}

// FuzzVerify throws arbitrary requests at Verify: it must answer every one
// with a classified *Error (or accept it), never panic.
func FuzzVerify(f *testing.F) {
	const good = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/kms/aws4_request, SignedHeaders=content-length;host;x-amz-date;x-odd, Signature=00"
	f.Add(good, "20260101T000000Z", "", "/", "x", []byte("{}"))
	f.Add(good, "20260101T000000Z", "a=1&b=%zz&&c", "/a b/%", "  a  b ", []byte{})
	f.Add("", "", "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20260101%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=00", "/", "", []byte(nil))
	f.Add("", "", "X-Amz-Signature=", "", "", []byte(nil))
	f.Add("foo", "2026", ";;", "//", "\t", []byte{0xff})
	f.Fuzz(func(t *testing.T, authz, amzDate, rawQuery, path, odd string, body []byte) {
		r := &http.Request{
			Method:        "POST",
			URL:           &url.URL{Path: path, RawQuery: rawQuery},
			Host:          "localhost:4566",
			Header:        http.Header{},
			ContentLength: int64(len(body)),
		}
		if authz != "" {
			r.Header.Set("Authorization", authz)
		}
		r.Header.Set("X-Amz-Date", amzDate)
		r.Header.Set("X-Odd", odd)
		_, err := Verify(r, body, signedAt, lookup)
		if err == nil {
			return
		}
		var e *Error
		if !errors.As(err, &e) || e.Kind < Missing || e.Kind > Expired || e.Message == "" {
			t.Fatalf("error %#v is not a classified *Error", err)
		}
	})
}

// FuzzVerifySDKRoundTrip is differential: whatever path, query, header value
// and body aws-sdk-go-v2 signs, Verify must accept.
func FuzzVerifySDKRoundTrip(f *testing.F) {
	f.Add("/", "", "x", []byte("{}"))
	f.Add("/a b/ü/%", "b=2&a=1&a=0&c=x+y&d=%2F", "  a   b  ", []byte("Action=ListUsers"))
	f.Add("", "k=%zz&&x;y", "\t tab \t", []byte(nil))
	f.Fuzz(func(t *testing.T, path, rawQuery, value string, body []byte) {
		if !httpguts.ValidHeaderFieldValue(value) {
			t.Skip("no HTTP server would pass this header value on")
		}
		req := &http.Request{
			Method:        "POST",
			URL:           &url.URL{Scheme: "http", Host: "localhost:4566", Path: path, RawQuery: rawQuery},
			Host:          "localhost:4566",
			Header:        http.Header{"X-Value": {value}, "X-Amz-Target": {"TrentService.ListKeys"}},
			ContentLength: int64(len(body)),
		}
		if err := v4.NewSigner().SignHTTP(context.Background(), creds(testSecret), req, hashHex(body), "kms", "us-east-1", signedAt); err != nil {
			t.Skip("SDK refused to sign")
		}
		if _, err := Verify(req, body, signedAt, lookup); err != nil {
			var e *Error
			errors.As(err, &e)
			t.Fatalf("SDK-signed request rejected: %v\nour canonical request:\n%s", err, e.CanonicalRequest)
		}
	})
}
