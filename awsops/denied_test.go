package awsops

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/credentials/ssocreds"
	"github.com/aws/smithy-go"
)

func apiErr(code, msg string) error {
	return &smithy.OperationError{ServiceID: "DynamoDB", OperationName: "Scan",
		Err: &smithy.GenericAPIError{Code: code, Message: msg}}
}

func TestAsDenied(t *testing.T) {
	n := need{principal: "arn:aws:iam::1:user/u", action: "kms:Decrypt", resource: "arn:aws:kms:us-east-1:1:key/k"}
	for _, code := range []string{"AccessDeniedException", "AccessDenied"} {
		// Whatever the message says, the denial is about what the lab knows
		// the call needed.
		d := asDenied(fmt.Errorf("scan: %w", apiErr(code, "User: arn:aws:iam::1:user/other is not authorized to perform: dynamodb:Scan")), n)
		if d == nil {
			t.Fatal("not recognised as a denial")
		}
		if d.Code != code || d.Action != n.action || d.Resource != n.resource || d.Principal != n.principal ||
			d.Operation != "Scan" || d.Service != "DynamoDB" {
			t.Fatalf("denied = %+v", d)
		}
	}
	for _, err := range []error{
		errors.New("plain"),
		apiErr("ResourceNotFoundException", "Requested resource not found"),
		context.Canceled,
	} {
		if d := asDenied(err, n); d != nil {
			t.Errorf("asDenied(%v) = %+v", err, d)
		}
	}
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
			err := fail("create table", "kmslab-abc", tt.err)
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
	if fail("x", "", nil) != nil {
		t.Error("fail(nil) != nil")
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
