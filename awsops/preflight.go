package awsops

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// labActions are the admin's calls over a whole run, cleanup included.
var labActions = []string{
	"kms:CreateKey", "kms:CreateAlias", "kms:DescribeKey", "kms:GetKeyPolicy", "kms:PutKeyPolicy",
	"kms:TagResource", "kms:ListKeys", "kms:ListAliases", "kms:ListResourceTags",
	"kms:DeleteAlias", "kms:ScheduleKeyDeletion",
	"kms:CreateGrant", "kms:Decrypt", "kms:GenerateDataKey", // DynamoDB uses the key as the caller
	"dynamodb:CreateTable", "dynamodb:DescribeTable", "dynamodb:PutItem", "dynamodb:Scan",
	"dynamodb:TagResource", "dynamodb:ListTables", "dynamodb:ListTagsOfResource", "dynamodb:DeleteTable",
	"iam:CreateUser", "iam:GetUser", "iam:TagUser", "iam:ListUsers", "iam:ListUserTags",
	"iam:AttachUserPolicy", "iam:ListAttachedUserPolicies", "iam:DetachUserPolicy",
	"iam:CreateAccessKey", "iam:ListAccessKeys", "iam:DeleteAccessKey", "iam:DeleteUser",
	"iam:SimulatePrincipalPolicy",
}

// Preflight simulates the admin's IAM policies over every action the lab
// performs and returns the actions that would be denied; empty means ready.
// The account root needs no check. When the admin may not run the simulator
// itself, the answer is just that action: nothing else can be known.
func (l *Lab) Preflight(ctx context.Context) ([]string, error) {
	const op = "check the admin's permissions"
	id, err := l.identity(ctx)
	if err != nil {
		return nil, err
	}
	if strings.HasSuffix(id.ARN, ":root") {
		return nil, nil
	}
	principal, err := l.adminPrincipal(ctx)
	if err != nil {
		return nil, err
	}
	var missing []string
	p := iam.NewSimulatePrincipalPolicyPaginator(l.iam, &iam.SimulatePrincipalPolicyInput{
		PolicySourceArn: aws.String(principal),
		ActionNames:     labActions,
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if isCode(err, "AccessDenied", "AccessDeniedException") {
			return []string{"iam:SimulatePrincipalPolicy"}, nil
		}
		if err != nil {
			return nil, fail(op, principal, err)
		}
		for _, r := range page.EvaluationResults {
			if r.EvalDecision != iamtypes.PolicyEvaluationDecisionTypeAllowed {
				missing = append(missing, aws.ToString(r.EvalActionName))
			}
		}
	}
	return missing, nil
}
