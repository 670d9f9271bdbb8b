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

const ddbKMSDenial = "KMS key access denied error: com.amazonaws.services.kms.model.AWSKMSException: " +
	"User: arn:aws:iam::111122223333:user/kmslab-user-abc is not authorized to perform: kms:Decrypt " +
	"on resource: arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab " +
	"because no identity-based policy allows the kms:Decrypt action " +
	"(Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException; Request ID: 0c9f; Proxy: null)"

func TestParseDenied(t *testing.T) {
	tests := []struct {
		name                                string
		msg                                 string
		action, resource, principal, reason string
	}{
		{"dynamodb wrapping kms", ddbKMSDenial,
			"kms:Decrypt", "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
			"arn:aws:iam::111122223333:user/kmslab-user-abc", "because no identity-based policy allows the kms:Decrypt action"},
		{"iam style", "User: arn:aws:sts::111122223333:assumed-role/Dev/alice is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::111122223333:user/kmslab-user-abc because no identity-based policy allows the iam:CreateUser action",
			"iam:CreateUser", "arn:aws:iam::111122223333:user/kmslab-user-abc", "arn:aws:sts::111122223333:assumed-role/Dev/alice",
			"because no identity-based policy allows the iam:CreateUser action"},
		{"explicit deny, trailing period", "User: arn:aws:iam::1:user/x is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:r:1:key/k with an explicit deny in a resource-based policy.",
			"kms:Decrypt", "arn:aws:kms:r:1:key/k", "arn:aws:iam::1:user/x", ""},
		{"no resource", "User: arn:aws:iam::1:user/x is not authorized to perform: sts:AssumeRole",
			"sts:AssumeRole", "", "arn:aws:iam::1:user/x", ""},
		{"other shape", "Access Denied", "", "", "", ""},
		{"empty", "", "", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, r, p, why := parseDenied(tt.msg)
			if a != tt.action || r != tt.resource || p != tt.principal || why != tt.reason {
				t.Fatalf("parseDenied =\n %q\n %q\n %q\n %q", a, r, p, why)
			}
		})
	}
}

func FuzzParseDenied(f *testing.F) {
	f.Add(ddbKMSDenial)
	f.Add("User: a is not authorized to perform: b on resource: c because d (Service: e")
	f.Add(" is not authorized to perform: ")
	f.Add("User:  is not authorized to perform:  on resource:  because ")
	f.Fuzz(func(t *testing.T, msg string) {
		a, r, p, why := parseDenied(msg)
		for _, part := range []string{a, r, p, why} {
			if !strings.Contains(msg, part) {
				t.Fatalf("%q is not part of %q", part, msg)
			}
		}
	})
}

func apiErr(code, msg string) error {
	return &smithy.OperationError{ServiceID: "DynamoDB", OperationName: "Scan",
		Err: &smithy.GenericAPIError{Code: code, Message: msg}}
}

func TestAsDenied(t *testing.T) {
	d := asDenied(fmt.Errorf("scan: %w", apiErr("AccessDeniedException", ddbKMSDenial)))
	if d == nil {
		t.Fatal("not recognised as a denial")
	}
	if d.Code != "AccessDeniedException" || d.Action != "kms:Decrypt" || d.Operation != "Scan" || d.Service != "DynamoDB" ||
		!strings.HasPrefix(d.Resource, "arn:aws:kms:") || d.Message != ddbKMSDenial {
		t.Fatalf("denied = %+v", d)
	}
	for _, err := range []error{
		errors.New("plain"),
		apiErr("ResourceNotFoundException", "Requested resource not found"),
		context.Canceled,
	} {
		if d := asDenied(err); d != nil {
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
		{"access denied names the action", apiErr("AccessDeniedException", "User: arn:aws:iam::1:user/a is not authorized to perform: dynamodb:CreateTable on resource: arn:t"),
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
