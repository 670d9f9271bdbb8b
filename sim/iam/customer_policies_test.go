package iam

import (
	"reflect"
	"strings"
	"testing"
)

const localDoc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}]}`

func TestCreatePolicyValidation(t *testing.T) {
	f := newFixture(t, Options{})
	tests := []struct {
		name      string
		kv        []string
		code, msg string
		status    int
	}{
		{"no name", []string{"PolicyDocument", localDoc}, "ValidationError",
			"1 validation error detected: Value null at 'policyName' failed to satisfy constraint: Member must not be null", 400},
		{"bad path", []string{"PolicyName", "p", "Path", "nopath", "PolicyDocument", localDoc}, "ValidationError",
			"1 validation error detected: Value 'nopath' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: ((/[A-Za-z0-9\\.,\\+@=_-]+)*)/", 400},
		{"long description", []string{"PolicyName", "p", "PolicyDocument", localDoc, "Description", strings.Repeat("d", 1001)}, "ValidationError", "", 400},
		{"principal", []string{"PolicyName", "p", "PolicyDocument", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:*","Resource":"*"}]}`},
			"MalformedPolicyDocument", "Policy document should not specify a principal.", 400},
		{"no vendor", []string{"PolicyName", "p", "PolicyDocument", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"Decrypt","Resource":"*"}]}`},
			"MalformedPolicyDocument", "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.", 400},
		{"too big", []string{"PolicyName", "p", "PolicyDocument", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + strings.Repeat("b", 6100) + `"}]}`},
			"LimitExceeded", "Cannot exceed quota for PolicySize: 6144", 409},
		{"duplicate tags", []string{"PolicyName", "p", "PolicyDocument", localDoc, "Tags.member.1.Key", "a", "Tags.member.1.Value", "1", "Tags.member.2.Key", "A", "Tags.member.2.Value", "2"},
			"InvalidInput", "Duplicate tag keys found. Please note that Tag keys are case insensitive.", 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.call(f.admin, "CreatePolicy", tt.kv...)
			expectErr(t, err, tt.code, tt.status, tt.msg)
		})
	}
	if n := len(f.svc.policies); n != 0 {
		t.Fatalf("%d policies created by failing calls", n)
	}
}

func TestPolicyVersionIDsAreNeverReused(t *testing.T) {
	f := newFixture(t, Options{})
	arn := f.ok("CreatePolicy", "PolicyName", "p", "PolicyDocument", localDoc).(createPolicyResult).Policy.Arn
	if arn != "arn:aws:iam::"+testAccount+":policy/p" {
		t.Fatalf("ARN = %s", arn)
	}
	f.ok("CreatePolicyVersion", "PolicyArn", arn, "PolicyDocument", localDoc)
	f.ok("DeletePolicyVersion", "PolicyArn", arn, "VersionId", "v2")
	v := f.ok("CreatePolicyVersion", "PolicyArn", arn, "PolicyDocument", localDoc, "SetAsDefault", "true").(createPolicyVersionResult).PolicyVersion
	if v.VersionID != "v3" || !v.IsDefaultVersion || v.Document != "" {
		t.Fatalf("version after a deletion = %+v, want v3, default, no document", v)
	}
	f.fails("DeletePolicyVersion", "NoSuchEntity", 404, "Policy "+arn+" version v2 does not exist or is not attachable.", "PolicyArn", arn, "VersionId", "v2")
	f.fails("GetPolicyVersion", "ValidationError", 400, "", "PolicyArn", arn, "VersionId", "2")
	f.fails("SetDefaultPolicyVersion", "NoSuchEntity", 404, "Policy arn:aws:iam::"+testAccount+":policy/nope was not found.",
		"PolicyArn", "arn:aws:iam::"+testAccount+":policy/nope", "VersionId", "v1")
	f.fails("DeletePolicy", "AccessDenied", 403, "", "PolicyArn", ddbFull)
}

func TestListVersionsPaging(t *testing.T) {
	f := newFixture(t, Options{})
	arn := f.ok("CreatePolicy", "PolicyName", "p", "PolicyDocument", localDoc).(createPolicyResult).Policy.Arn
	for range 4 {
		f.ok("CreatePolicyVersion", "PolicyArn", arn, "PolicyDocument", localDoc)
	}
	var got []string
	marker := ""
	for {
		kv := []string{"PolicyArn", arn, "MaxItems", "2"}
		if marker != "" {
			kv = append(kv, "Marker", marker)
		}
		out := f.ok("ListPolicyVersions", kv...).(listPolicyVersionsResult)
		for _, v := range out.Versions.Member {
			got = append(got, v.VersionID)
		}
		if !out.IsTruncated {
			break
		}
		marker = out.Marker
	}
	if want := []string{"v5", "v4", "v3", "v2", "v1"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("pages = %v, want %v", got, want)
	}
}

// A customer managed policy decides for its users through its default version
// only, and the simulator names it as user-managed.
func TestCustomerPolicyDecidesByDefaultVersion(t *testing.T) {
	f := newFixture(t, Options{})
	arn := f.ok("CreatePolicy", "PolicyName", "reader", "PolicyDocument",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]}`).(createPolicyResult).Policy.Arn
	bob := f.userPrincipal("bob")
	if _, err := f.call(bob, "GetUser", "UserName", "bob"); err == nil {
		t.Fatal("GetUser without the policy: allowed")
	}
	f.ok("AttachUserPolicy", "UserName", "bob", "PolicyArn", arn)
	if _, err := f.call(bob, "GetUser", "UserName", "bob"); err != nil {
		t.Fatalf("GetUser with the policy: %v", err)
	}
	f.ok("CreatePolicyVersion", "PolicyArn", arn, "PolicyDocument",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}]}`, "SetAsDefault", "true")
	if _, err := f.call(bob, "GetUser", "UserName", "bob"); err == nil {
		t.Fatal("GetUser after the default moved to v2: allowed")
	}
	sim := f.ok("SimulatePrincipalPolicy", "PolicySourceArn", bob.ARN, "ActionNames.member.1", "iam:ListUsers").(simulateResult)
	r := sim.EvaluationResults.Member[0]
	if r.EvalDecision != "allowed" || len(r.MatchedStatements.Member) != 1 ||
		r.MatchedStatements.Member[0].SourcePolicyID != "reader" || r.MatchedStatements.Member[0].SourcePolicyType != "user-managed" {
		t.Fatalf("simulation = %+v", r)
	}
}
