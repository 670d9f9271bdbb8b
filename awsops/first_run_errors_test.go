package awsops

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go"

	"kmslab/awsops/awserr"
)

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
			return awserr.Fail("attach policy to test user", "kmslab-user-x", &awserr.WaitError{What: "IAM to show the new user", Limit: 2 * time.Minute,
				Last: apiErrIn("IAM", "AttachUserPolicy", "NoSuchEntity")})
		}, []string{"gave up waiting for IAM to show the new user after 2 min", "does not exist", "retry the step in a few minutes"}},
		{"KMS never knew the user", func() error {
			return awserr.Fail("grant the test user use of the key", "k", &awserr.WaitError{What: "KMS to recognise the new user", Limit: 2 * time.Minute,
				Last: apiErrIn("KMS", "PutKeyPolicy", "MalformedPolicyDocumentException")})
		}, []string{"gave up waiting", "retry the step in a few minutes"}},
		{"the state never read back", func() error {
			return awserr.Fail("experiment grant", "", &awserr.WaitError{What: "AWS to show the lab as it was before the experiment", Limit: 5 * time.Minute})
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
