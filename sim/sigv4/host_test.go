package sigv4

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// TestHostMustBeSigned: a signature that leaves out the host (here a valid
// HMAC over a canonical request without it) is refused as incomplete, so a
// captured request cannot be replayed at another endpoint.
func TestHostMustBeSigned(t *testing.T) {
	body := []byte("{}")
	for _, tc := range []struct {
		signed string
		ok     bool
	}{
		{"content-type;host;x-amz-date", true},
		{"Content-Type;Host;x-amz-date", true},
		{"x-amz-date", false},
		{"content-type;x-amz-date", false},
	} {
		req := httptest.NewRequest("POST", "http://127.0.0.1:4566/", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		amz := signedAt.Format(TimeFormat)
		req.Header.Set("X-Amz-Date", amz)
		headers := strings.Split(tc.signed, ";")
		scope := "20260101/us-east-1/kms/aws4_request"
		sts := StringToSign(amz, scope, CanonicalRequest(req, headers, hashHex(body)))
		sig := Signature(SigningKey(testSecret, "20260101", "us-east-1", "kms"), sts)
		req.Header.Set("Authorization", Algorithm+" Credential="+testKey+"/"+scope+", SignedHeaders="+tc.signed+", Signature="+sig)
		_, err := Verify(req, body, signedAt, lookup)
		if tc.ok && err != nil {
			t.Errorf("%s: %v", tc.signed, err)
		}
		if !tc.ok && (kindOf(err) != Incomplete || !strings.Contains(err.Error(), "'Host' or ':authority' must be a 'SignedHeader'")) {
			t.Errorf("%s: got %v, want the unsigned-host refusal", tc.signed, err)
		}
	}
}

// TestUnsignedHeadersRefused: every x-amz-* header sent, and Content-Type,
// must be among the signed headers, or the operation (X-Amz-Target) could be
// changed after signing; the refusal names the header as AWS does.
func TestUnsignedHeadersRefused(t *testing.T) {
	t.Parallel()
	body := []byte("{}")
	for _, tc := range []struct {
		name    string
		headers map[string]string
		signed  string
		want    string // the header named in the refusal; "" = accepted
	}{
		{"all signed", map[string]string{"X-Amz-Target": "TrentService.DescribeKey"}, "content-type;host;x-amz-date;x-amz-target", ""},
		{"target unsigned", map[string]string{"X-Amz-Target": "TrentService.ScheduleKeyDeletion"}, "content-type;host;x-amz-date", "X-Amz-Target"},
		{"content-type unsigned", nil, "host;x-amz-date", "Content-Type"},
		{"security token unsigned", map[string]string{"X-Amz-Security-Token": "tok"}, "content-type;host;x-amz-date", "X-Amz-Security-Token"},
		{"date unsigned", nil, "content-type;host", "X-Amz-Date"},
		{"trace id may stay unsigned", map[string]string{"X-Amzn-Trace-Id": "Root=1", "User-Agent": "x"}, "content-type;host;x-amz-date", ""},
	} {
		req := httptest.NewRequest("POST", "http://127.0.0.1:4566/", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		amz := signedAt.Format(TimeFormat)
		req.Header.Set("X-Amz-Date", amz)
		for k, v := range tc.headers {
			req.Header.Set(k, v)
		}
		scope := "20260101/us-east-1/kms/aws4_request"
		sts := StringToSign(amz, scope, CanonicalRequest(req, strings.Split(tc.signed, ";"), hashHex(body)))
		sig := Signature(SigningKey(testSecret, "20260101", "us-east-1", "kms"), sts)
		req.Header.Set("Authorization", Algorithm+" Credential="+testKey+"/"+scope+", SignedHeaders="+tc.signed+", Signature="+sig)
		_, err := Verify(req, body, signedAt, lookup)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && (kindOf(err) != BadSignature || !strings.Contains(err.Error(), "'"+tc.want+"' must be a 'SignedHeader' in the AWS Authorization.")):
			t.Errorf("%s: got %v, want %s refused as unsigned", tc.name, err, tc.want)
		}
	}
}
