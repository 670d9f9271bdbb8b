package steps

import "slices"

// What the admin calls, step by step: the IAM actions in each Step's and
// Experiment's Needs. They are the one list the preflight asks IAM about
// (Lab.Actions); TestLabPassesRealisticMode checks them against every call
// the admin really makes in a run (the offline AWS's audit trail), so the
// list cannot drift from the code. Calls DynamoDB makes to KMS as the
// caller (the table key) are the caller's too, and are listed.
// sts:GetCallerIdentity needs no permission and is not listed.
var (
	// needsKey: part 1 (iam:GetRole maps an assumed role, SSO's among them,
	// to the role with its path that the key policy names).
	needsKey = []string{"kms:CreateKey", "kms:TagResource", "kms:CreateAlias", "kms:DescribeKey", "kms:GetKeyPolicy", "iam:GetRole"}
	// needsTable: creating a table under the key makes DynamoDB create a
	// grant and a table key, as the caller.
	needsTable = []string{"dynamodb:CreateTable", "dynamodb:TagResource", "dynamodb:DescribeTable",
		"kms:CreateGrant", "kms:DescribeKey", "kms:GenerateDataKey", "kms:GetKeyPolicy"}
	needsItem = []string{"dynamodb:PutItem", "dynamodb:Scan", "kms:Decrypt"}
	// needsUser: iam:GetUser finds a user this run already made (a rerun).
	needsUser = []string{"iam:CreateUser", "iam:TagUser", "iam:GetUser", "iam:AttachUserPolicy", "iam:CreateAccessKey"}
	// needsExplain: the trace reads the key, its policy and grants and the
	// test user's policies, and asks IAM's simulator; DynamoDB's own
	// decision on a read reads the table and its resource-based policy.
	needsExplain = []string{"iam:GetUser", "iam:ListAttachedUserPolicies", "iam:ListUserPolicies", "iam:GetUserPolicy",
		"iam:ListGroupsForUser", "iam:GetPolicy", "iam:GetPolicyVersion", "iam:SimulatePrincipalPolicy",
		"kms:DescribeKey", "kms:GetKeyPolicy", "kms:ListGrants", "dynamodb:DescribeTable", "dynamodb:GetResourcePolicy"}
	// needsExperiment: every experiment reads the lab's state before and
	// after (the table's policy among it), encrypts a sample, traces, and
	// puts the key policy back.
	needsExperiment = concat(needsExplain, []string{"iam:ListPolicies", "dynamodb:Scan", "kms:Encrypt", "kms:PutKeyPolicy"})
	// needsTablePolicy: "A table policy lets the user in" detaches and
	// re-attaches the user's AmazonDynamoDBFullAccess, puts and deletes the
	// table's policy.
	needsTablePolicy = []string{"iam:DetachUserPolicy", "iam:AttachUserPolicy", "dynamodb:PutResourcePolicy", "dynamodb:DeleteResourcePolicy"}
	// needsManagedPolicy: an experiment's own customer managed policy, made,
	// attached, detached and deleted with its versions.
	needsManagedPolicy = []string{"iam:CreatePolicy", "iam:AttachUserPolicy", "iam:DetachUserPolicy", "iam:ListEntitiesForPolicy",
		"iam:ListPolicyVersions", "iam:DeletePolicyVersion", "iam:DeletePolicy"}
	// needsCleanup: what the ledger records, removed in reverse order, each
	// checked as the run's by its tag; and what a DeleteConflict that
	// outlasts the wait looks for.
	needsCleanup = concat(needsManagedPolicy[2:], []string{
		"dynamodb:DescribeTable", "dynamodb:ListTagsOfResource", "dynamodb:DeleteTable", "dynamodb:ListTables",
		"iam:ListUserTags", "iam:ListAccessKeys", "iam:DeleteAccessKey", "iam:ListAttachedUserPolicies", "iam:DetachUserPolicy",
		"iam:ListUserPolicies", "iam:DeleteUserPolicy", "iam:DeleteUser", "iam:GetLoginProfile", "iam:ListGroupsForUser", "iam:ListMFADevices",
		"kms:ListAliases", "kms:DeleteAlias", "kms:ListKeys", "kms:DescribeKey", "kms:ListResourceTags", "kms:ListGrants", "kms:RevokeGrant",
		"kms:ScheduleKeyDeletion"})
)

// concat joins action lists into a new one.
func concat(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// Actions is every IAM action the admin calls in the lab, its experiments
// and cleanup included, sorted: what the preflight asks IAM about.
func (l Lab) Actions() []string {
	var out []string
	for _, s := range l.Steps {
		out = append(out, s.Needs...)
	}
	for _, x := range l.Experiments {
		out = append(out, x.Needs...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
