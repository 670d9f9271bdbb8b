package awserr

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"syscall"
	"testing"

	"github.com/aws/aws-sdk-go-v2/credentials/ssocreds"
	"github.com/aws/smithy-go"
)

func apiErr(code, msg string) error {
	return &smithy.OperationError{ServiceID: "DynamoDB", OperationName: "Scan",
		Err: &smithy.GenericAPIError{Code: code, Message: msg}}
}

func TestFail(t *testing.T) {
	tests := []struct {
		name     string
		err      error
		code     string
		contains []string
	}{
		{"access denied names the action", &smithy.OperationError{ServiceID: "DynamoDB", OperationName: "CreateTable", Err: &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "Access denied"}},
			"AccessDeniedException", []string{"create table kmslab-abc", "dynamodb:CreateTable", "ask an administrator"}},
		{"throttled after retries", apiErr("ThrottlingException", "Rate exceeded"), "ThrottlingException", []string{"wait a minute"}},
		{"name taken", apiErr("ResourceInUseException", "Table already exists"), "ResourceInUseException", []string{"kmslab cleanup"}},
		{"expired session", apiErr("ExpiredTokenException", "The security token included in the request is expired"), "ExpiredTokenException",
			[]string{"session has expired", "aws sso login"}},
		{"sso token", fmt.Errorf("get identity: %w", &ssocreds.InvalidTokenError{Err: errors.New("token expired")}), "",
			[]string{"SSO session has expired", "aws sso login"}},
		{"no credentials", &credentialsError{errors.New("no EC2 IMDS role found")}, "", []string{"No usable AWS credentials", "aws configure"}},
		{"cancelled", fmt.Errorf("op: %w", context.Canceled), "", []string{"interrupted", "kmslab cleanup"}},
		{"other", errors.New("connection refused"), "", []string{"connection refused", "retry the step"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Fail("create table", "kmslab-abc", tt.err)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("not an *Error: %T", err)
			}
			if e.Code != tt.code {
				t.Errorf("code = %q, want %q", e.Code, tt.code)
			}
			if !errors.Is(err, tt.err) {
				t.Errorf("the cause is not wrapped")
			}
			for _, s := range tt.contains {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("%q lacks %q", err.Error(), s)
				}
			}
		})
	}
	if Fail("x", "", nil) != nil {
		t.Error("Fail(nil) != nil")
	}
}

func TestCredentialsProblemIsOneSentence(t *testing.T) {
	for _, err := range []error{
		&ssocreds.InvalidTokenError{},
		&credentialsError{errors.New("x")},
		apiErr("ExpiredToken", "expired"),
		apiErr("InvalidClientTokenId", "bad"),
	} {
		s, ok := CredentialsProblem(err)
		if !ok {
			t.Fatalf("%v not recognised", err)
		}
		if strings.Count(s, ". ") != 0 || !strings.HasSuffix(s, ".") || strings.Contains(s, "\n") {
			t.Errorf("not one sentence: %q", s)
		}
	}
	if _, ok := CredentialsProblem(apiErr("AccessDeniedException", "no")); ok {
		t.Error("an access denial is not a credentials problem")
	}
}

// sdkSendError wraps err as the SDK does when a request never got an answer.
func sdkSendError(host string, err error) error {
	return fmt.Errorf("operation error STS: GetCallerIdentity, https response error StatusCode: 0, RequestID: , request send failed: %w",
		&url.Error{Op: "Post", URL: "https://" + host + "/", Err: err})
}

func TestUnreachableIsClassified(t *testing.T) {
	for _, tt := range []struct {
		name string
		err  error
		want string // "" when it is not a connection problem
	}{
		{"refused", sdkSendError("sts.us-east-1.amazonaws.com", &net.OpError{Op: "dial", Net: "tcp", Err: &net.OpError{Err: syscall.ECONNREFUSED}}),
			"at sts.us-east-1.amazonaws.com (the connection was refused)"},
		{"dns", sdkSendError("nope.invalid", &net.OpError{Op: "dial", Err: &net.DNSError{Name: "nope.invalid", Err: "no such host", IsNotFound: true}}),
			"(the host name nope.invalid does not resolve)"},
		{"no route", sdkSendError("kms.eu-west-1.amazonaws.com", &net.OpError{Op: "dial", Err: syscall.EHOSTUNREACH}), "(no network route to it)"},
		{"proxy certificate", sdkSendError("kms.eu-west-1.amazonaws.com", x509.UnknownAuthorityError{}), "its TLS certificate is not trusted"},
		{"other dial failure", sdkSendError("h", &net.OpError{Op: "dial", Err: errors.New("odd")}), "(the connection failed)"},
		{"AWS answered", &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "no"}, ""},
		{"cancelled", context.Canceled, ""},
		{"nil", nil, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sentence, ok := ConnectionProblem(tt.err)
			if ok != (tt.want != "") {
				t.Fatalf("ConnectionProblem = %q, %v", sentence, ok)
			}
			if !ok {
				return
			}
			if !strings.Contains(sentence, tt.want) || !strings.HasPrefix(sentence, "AWS could not be reached") ||
				strings.Count(sentence, ". ") != 0 || !strings.HasSuffix(sentence, "try again.") {
				t.Errorf("sentence %q, want one sentence with %q", sentence, tt.want)
			}
			if strings.Contains(sentence, "operation error") || strings.Contains(sentence, "cleanup") {
				t.Errorf("sentence %q carries SDK text or cleanup advice", sentence)
			}
			// A step that fails this way says the same, without cleanup advice.
			e := Fail("create key", "alias/kmslab-x", tt.err).(*Error)
			if !strings.Contains(e.Message, tt.want) || strings.Contains(e.Hint, "cleanup") {
				t.Errorf("fail: message %q, hint %q", e.Message, e.Hint)
			}
		})
	}
}

func TestErrorIsOneSentence(t *testing.T) {
	for _, tt := range []struct {
		e    Error
		want string
	}{
		{Error{Op: "create table", Resource: "kmslab-x", Code: "ThrottlingException", Message: "Rate exceeded.", Hint: "Wait a minute and retry the step"},
			"create table kmslab-x: ThrottlingException: Rate exceeded; wait a minute and retry the step"},
		{Error{Op: "check identity", Message: "no AWS region is set", Hint: "Pass --region."},
			"check identity: no AWS region is set; pass --region"},
		{Error{Op: "create key", Message: "interrupted", Hint: "AWS may still be working"},
			"create key: interrupted; AWS may still be working"},
		{Error{Op: "create key", Message: "boom"}, "create key: boom"},
	} {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}
