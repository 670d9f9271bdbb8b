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
		{"host;x-amz-date", true},
		{"Host;x-amz-date", true},
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
