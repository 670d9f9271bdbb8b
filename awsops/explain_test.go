package awsops

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

func TestSidAt(t *testing.T) {
	policy := PrettyJSON(consolePolicy("aws", "111122223333", adminARN))
	ranges := statementRanges(policy)
	if len(ranges) != 4 {
		t.Fatalf("%d statements found, want 4", len(ranges))
	}
	// Point at each statement's opening brace, as the simulator does.
	for _, r := range ranges {
		open := r.start
		for policy[open] != '{' {
			open++
		}
		line, col := 1, 1
		for _, c := range policy[:open] {
			if c == '\n' {
				line, col = line+1, 1
			} else {
				col++
			}
		}
		got := sidAt(policy, &iamtypes.Position{Line: int32(line), Column: int32(col)})
		if got != r.sid {
			t.Errorf("sidAt(%d:%d) = %q, want %q", line, col, got, r.sid)
		}
	}
	if sidAt(policy, nil) != "" || sidAt("not json", &iamtypes.Position{Line: 1, Column: 1}) != "" {
		t.Error("sidAt found a statement where there is none")
	}
}

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

func FuzzSidAt(f *testing.F) {
	f.Add(consolePolicy("aws", "1", adminARN), int32(5), int32(5))
	f.Add(`{"Statement":{"Sid":"a"}}`, int32(1), int32(14))
	f.Add(`{"Statement":[{"Sid":"a"},{"Sid":"b"}]}`, int32(1), int32(26))
	f.Fuzz(func(t *testing.T, policy string, line, col int32) {
		for _, r := range statementRanges(policy) {
			if r.start < 0 || r.end > len(policy) || r.start > r.end {
				t.Fatalf("range %+v out of a %d-byte policy", r, len(policy))
			}
		}
		_ = sidAt(policy, &iamtypes.Position{Line: line, Column: col})
	})
}
