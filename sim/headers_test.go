package sim_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"kmslab/sim"
)

// TestOversizedHeadersAnswerInProtocolShape: a header section beyond 256 KiB
// is refused 431 in the error shape of the protocol the request speaks, not
// with net/http's plain text, so an SDK reads a code from it.
func TestOversizedHeadersAnswerInProtocolShape(t *testing.T) {
	srv := startSim(t, sim.Options{})
	pad := strings.Repeat("a", 300<<10)
	tests := []struct {
		target, wantType, body string
	}{
		{"TrentService.ListKeys", "application/x-amz-json-1.1", "{}"},
		{"DynamoDB_20120810.ListTables", "application/x-amz-json-1.0", "{}"},
		{"", "text/xml", "Action=ListUsers&Version=2010-05-08"},
	}
	for _, tc := range tests {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/", strings.NewReader(tc.body))
		if tc.target != "" {
			req.Header.Set("X-Amz-Target", tc.target)
		} else {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		req.Header.Set("X-Padding", pad)
		status, b := send(t, req)
		code, _ := errorCode(t, status, b)
		if status != http.StatusRequestHeaderFieldsTooLarge || code != "RequestHeaderSectionTooLarge" {
			t.Errorf("%q: %d %q, want 431 RequestHeaderSectionTooLarge; body %.200s", tc.target, status, code, b)
		}
		if tc.wantType == "text/xml" && !strings.HasPrefix(string(b), "<") {
			t.Errorf("query request answered %.100s, want XML", b)
		}
	}

	// The real SDK classifies it as an API error with that code.
	c := kms.NewFromConfig(sdkConfig(srv, srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey), func(o *kms.Options) {
		o.APIOptions = append(o.APIOptions, smithyhttp.AddHeaderValue("X-Padding", pad))
		o.RetryMaxAttempts = 1
	})
	_, err := c.ListKeys(context.Background(), &kms.ListKeysInput{})
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "RequestHeaderSectionTooLarge" {
		t.Fatalf("SDK error %v, want RequestHeaderSectionTooLarge", err)
	}
}
