package awsops

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
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go"
)

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
			e := fail("create key", "alias/kmslab-x", tt.err).(*Error)
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

// TestOneSentenceErrors: the mistakes a first run on a real account meets
// (an opt-in region not enabled, a misspelt or unknown region, a service
// control policy that forbids IAM users, a wait for eventual consistency
// that runs out) each get one sentence saying what failed, why and what to
// do, classified by error code or type, never by message.
func TestOneSentenceErrors(t *testing.T) {
	t.Parallel()
	apiErrIn := func(service, op, code string) error {
		return &smithy.OperationError{ServiceID: service, OperationName: op, Err: &smithy.GenericAPIError{Code: code, Message: "whatever AWS says"}}
	}
	realAWS := func(region string) *Lab {
		l, err := New(aws.Config{Region: region}, Options{DisableLedger: true})
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	for _, tc := range []struct {
		name string
		err  func() error
		want []string
	}{
		{"opt-in region not enabled", func() error {
			return realAWS("af-south-1").regionCallProblem(apiErrIn("STS", "GetCallerIdentity", "InvalidClientTokenId"))
		}, []string{"af-south-1", "opt-in region", "enable it"}},
		{"region typo", func() error { return realAWS("us-east1").regionNameProblem() }, []string{"us-east1", "no AWS region is named so", "--region"}},
		{"unknown region", func() error {
			return realAWS("us-east-7").regionCallProblem(fmt.Errorf("op: %w", &net.DNSError{Name: "sts.us-east-7.amazonaws.com", IsNotFound: true}))
		}, []string{"us-east-7", "does not exist", "--region"}},
		{"SCP forbids IAM users", func() error {
			l := realAWS("us-east-1")
			l.simAllowed = map[string]bool{"iam:CreateUser": true}
			return l.refusedDespitePolicies("create test user", "kmslab-user-x", apiErrIn("IAM", "CreateUser", "AccessDenied"))
		}, []string{"iam:CreateUser", "although your IAM policies allow it", "service control policy", "administrator"}},
		{"IAM never showed the user", func() error {
			return fail("attach policy to test user", "kmslab-user-x", &WaitError{What: "IAM to show the new user", Limit: 2 * time.Minute,
				Last: apiErrIn("IAM", "AttachUserPolicy", "NoSuchEntity")})
		}, []string{"gave up waiting for IAM to show the new user after 2 min", "does not exist", "retry the step in a few minutes"}},
		{"KMS never knew the user", func() error {
			return fail("grant the test user use of the key", "k", &WaitError{What: "KMS to recognise the new user", Limit: 2 * time.Minute,
				Last: apiErrIn("KMS", "PutKeyPolicy", "MalformedPolicyDocumentException")})
		}, []string{"gave up waiting", "retry the step in a few minutes"}},
		{"the state never read back", func() error {
			return fail("experiment grant", "", &WaitError{What: "AWS to show the lab as it was before the experiment", Limit: 5 * time.Minute})
		}, []string{"after 5 min", "slower than usual"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.err()
			if err == nil {
				t.Fatal("no error")
			}
			s := err.Error()
			for _, w := range tc.want {
				if !strings.Contains(s, w) {
					t.Errorf("%q lacks %q", s, w)
				}
			}
			if strings.Count(strings.TrimSuffix(s, "."), ". ") != 0 || strings.Contains(s, "\n") || strings.Contains(s, "whatever AWS says") {
				t.Errorf("not one sentence of the lab's own: %q", s)
			}
		})
	}
	// Regions that are well formed, or behind a custom endpoint, pass.
	if err := realAWS("ap-southeast-7").regionNameProblem(); err != nil {
		t.Error(err)
	}
	if err := realAWS("us-east-1").regionCallProblem(apiErrIn("STS", "GetCallerIdentity", "InvalidClientTokenId")); err != nil {
		t.Errorf("a commercial region's unknown key is a credentials problem: %v", err)
	}
}

// TestExplainFailHints: explain reads what exists outside any run, so its
// errors never point at the lab's steps, runs or cleanup.
func TestExplainFailHints(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		code, what, want string
	}{
		{"NotFoundException", "key", "check the key's name, id or ARN, and the region"},
		{"NoSuchEntity", "principal", "check the principal's ARN: a user or role that exists in this account"},
		{"ResourceNotFoundException", "table", "check the table's name, id or ARN, and the region"},
		{"AccessDeniedException", "key", "lacks"},
		{"ThrottlingException", "key", "run explain again"},
		{"InternalFailure", "key", "run explain again"},
	} {
		err := explainFail(tc.what, "alias/x", &smithy.OperationError{ServiceID: "KMS", OperationName: "DescribeKey",
			Err: &smithy.GenericAPIError{Code: tc.code, Message: "m"}})
		got := err.Error()
		if !strings.HasPrefix(got, "explain the decision on alias/x: ") || !strings.Contains(got, tc.want) {
			t.Errorf("%s: %q lacks %q", tc.code, got, tc.want)
		}
		for _, lab := range []string{"step", "new run", "cleanup"} {
			if strings.Contains(got, lab) {
				t.Errorf("%s: %q speaks of the lab's %s", tc.code, got, lab)
			}
		}
	}
}
