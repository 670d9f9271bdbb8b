package explain

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"

	"kmslab/awsops/policydoc"
)

func TestExplanationSummary(t *testing.T) {
	keyARN := "arn:aws:kms:us-east-1:111122223333:key/k"
	allowed := explanation(iamtypes.EvaluationResult{
		EvalActionName: aws.String("kms:Decrypt"),
		EvalDecision:   iamtypes.PolicyEvaluationDecisionTypeAllowed,
		MatchedStatements: []iamtypes.Statement{{
			SourcePolicyId: aws.String("ResourcePolicy"), SourcePolicyType: iamtypes.PolicySourceTypeResource,
			StartPosition: &iamtypes.Position{Line: 1, Column: 2},
		}},
	}, "kms:Decrypt", keyARN, "kmslab-user-abc", `[{"Sid":"x"}]`)
	if allowed.Decision != "allowed" || len(allowed.Matched) != 1 || allowed.Matched[0].Source != "key policy" || allowed.Summary == "" {
		t.Errorf("allowed: %+v", allowed)
	}
	denied := explanation(iamtypes.EvaluationResult{
		EvalDecision: iamtypes.PolicyEvaluationDecisionTypeAllowed, // overridden by the key's own result
		ResourceSpecificResults: []iamtypes.ResourceSpecificResult{{
			EvalResourceName:     aws.String(keyARN),
			EvalResourceDecision: iamtypes.PolicyEvaluationDecisionTypeExplicitDeny,
			MissingContextValues: []string{"aws:SourceIp", "aws:SourceIp"},
		}},
	}, "kms:Decrypt", keyARN, "kmslab-user-abc", "{}")
	if denied.Decision != "explicitDeny" || len(denied.Missing) != 1 || denied.Summary == allowed.Summary {
		t.Errorf("denied: %+v", denied)
	}
}

// TestSidAtWithoutPosition: a statement the simulator gives no position for
// has no Sid.
func TestSidAtWithoutPosition(t *testing.T) {
	t.Parallel()
	policy := policydoc.PrettyJSON(policydoc.ConsolePolicy("aws", "111122223333", "arn:aws:iam::111122223333:user/lab-admin"))
	if sidAt(policy, nil) != "" {
		t.Error("sidAt found a statement where there is none")
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
