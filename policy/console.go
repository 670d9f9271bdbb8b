package policy

import "encoding/json"

// The statement ids of the key policy the KMS console writes by default
// (AWS KMS Developer Guide, "Default key policy").
const (
	ConsoleSidRoot   = "Enable IAM User Permissions"
	ConsoleSidAdmins = "Allow access for Key Administrators"
	ConsoleSidUse    = "Allow use of the key"
	ConsoleSidAttach = "Allow attachment of persistent resources"
)

// The actions the console's default key policy gives key administrators,
// key users, and key users for grants to AWS services.
var (
	ConsoleAdminActions = []string{
		"kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*",
		"kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource",
		"kms:UntagResource", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion", "kms:RotateKeyOnDemand",
	}
	ConsoleUseActions    = []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"}
	ConsoleAttachActions = []string{"kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"}
)

// ConsoleKeyPolicy is the key policy the KMS console writes for a key in
// account with the given key administrators and key users: the one
// document the lab creates and the offline AWS's tests start from.
// Principals are lists so that adding one later changes a single line.
func ConsoleKeyPolicy(partition, account string, admins, users []string) string {
	type principal struct {
		AWS []string `json:"AWS"`
	}
	type stmt struct {
		Sid       string         `json:"Sid"`
		Effect    string         `json:"Effect"`
		Principal any            `json:"Principal"`
		Action    any            `json:"Action"`
		Resource  string         `json:"Resource"`
		Condition map[string]any `json:"Condition,omitempty"`
	}
	doc := struct {
		Version   string `json:"Version"`
		ID        string `json:"Id"`
		Statement []stmt `json:"Statement"`
	}{
		Version: "2012-10-17",
		ID:      "key-consolepolicy-3",
		Statement: []stmt{
			{Sid: ConsoleSidRoot, Effect: "Allow", Principal: map[string]string{"AWS": "arn:" + partition + ":iam::" + account + ":root"}, Action: "kms:*", Resource: "*"},
			{Sid: ConsoleSidAdmins, Effect: "Allow", Principal: principal{admins}, Action: ConsoleAdminActions, Resource: "*"},
			{Sid: ConsoleSidUse, Effect: "Allow", Principal: principal{users}, Action: ConsoleUseActions, Resource: "*"},
			{Sid: ConsoleSidAttach, Effect: "Allow", Principal: principal{users}, Action: ConsoleAttachActions, Resource: "*",
				Condition: map[string]any{"Bool": map[string]string{"kms:GrantIsForAWSResource": "true"}}},
		},
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		panic(err) // a fixed document of strings always encodes
	}
	return string(b)
}

// ConsoleGrantsNamed reports whether the console key policy allows a
// principal it names as both key administrator and key user (as the lab
// names its admin) to call action on the key without any condition: for
// such an action the key policy decides by itself, whatever IAM says,
// unless something denies it explicitly.
func ConsoleGrantsNamed(action string) bool {
	for _, list := range [][]string{ConsoleAdminActions, ConsoleUseActions} {
		for _, pat := range list {
			if actionMatches(pat, action) {
				return true
			}
		}
	}
	return false
}
