package iam

import (
	"encoding/json"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"kmslab/policy"
	"kmslab/sim/api"
)

const (
	ddbFull     = "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"
	ddbReadOnly = "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess"
	kmsPower    = "arn:aws:iam::aws:policy/AWSKeyManagementServicePowerUser"
)

func TestManagedPolicies(t *testing.T) {
	m, err := loadManaged()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		arn, name, version string
		allows, denies     []string // actions on "*" the document allows / does not
	}{
		{administratorAccess, "AdministratorAccess", "v1", []string{"iam:CreateUser", "kms:Decrypt"}, nil},
		{ddbFull, "AmazonDynamoDBFullAccess", "v15",
			[]string{"dynamodb:Scan", "dynamodb:CreateTable", "kms:DescribeKey", "kms:ListAliases"},
			[]string{"kms:Decrypt", "kms:GenerateDataKey", "iam:CreateUser"}},
		{ddbReadOnly, "AmazonDynamoDBReadOnlyAccess", "v15", []string{"dynamodb:Scan", "dynamodb:DescribeTable"}, []string{"dynamodb:PutItem", "kms:Decrypt"}},
		{kmsPower, "AWSKeyManagementServicePowerUser", "v2", []string{"kms:CreateKey", "kms:GetKeyPolicy", "iam:ListUsers"}, []string{"kms:Decrypt", "kms:PutKeyPolicy"}},
	}
	if len(m) != len(tests) {
		t.Errorf("%d managed policies shipped, want %d", len(m), len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mp, ok := m[tt.arn]
			if !ok {
				t.Fatalf("%s not shipped", tt.arn)
			}
			if mp.Name != tt.name || mp.Path != "/" || mp.DefaultVersionID != tt.version || !strings.HasPrefix(mp.id, "ANPA") || len(mp.id) != 21 {
				t.Errorf("metadata = %s %s %s %s", mp.Name, mp.Path, mp.DefaultVersionID, mp.id)
			}
			for _, list := range []struct {
				actions []string
				want    policy.Decision
			}{{tt.allows, policy.Allow}, {tt.denies, policy.NoDecision}} {
				for _, a := range list.actions {
					r := mp.defaultVersion().Doc.EvaluateIdentity(tt.name, policy.Request{PrincipalARN: "arn:aws:iam::111122223333:user/u", Action: a, Resource: "*"})
					if r.Decision != list.want {
						t.Errorf("%s: %s = %v, want %v", tt.name, a, r.Decision, list.want)
					}
				}
			}
			if !strings.HasPrefix(mp.defaultVersion().Text, "{\n    \"Version\": \"2012-10-17\",\n    \"Statement\": [") {
				t.Errorf("document text is not AWS-indented:\n%.80s", mp.defaultVersion().Text)
			}
		})
	}
	if policyID(ddbFull) != m[ddbFull].id || policyID(ddbFull) == policyID(ddbReadOnly) {
		t.Error("policy ids are not stable per ARN")
	}
}

func TestGetPolicyAndVersion(t *testing.T) {
	f := newFixture(t, Options{})
	p := f.ok("GetPolicy", "PolicyArn", ddbFull).(getPolicyResult).Policy
	if p.PolicyName != "AmazonDynamoDBFullAccess" || p.Path != "/" || p.DefaultVersionID != "v15" || !p.IsAttachable ||
		p.AttachmentCount != 0 || p.Description == "" || p.CreateDate != "2015-02-06T18:40:11Z" {
		t.Errorf("GetPolicy = %+v", p)
	}
	admin := f.ok("GetPolicy", "PolicyArn", administratorAccess).(getPolicyResult).Policy
	if admin.AttachmentCount != 1 {
		t.Errorf("AdministratorAccess AttachmentCount = %d, want 1 (the bootstrap admin)", admin.AttachmentCount)
	}
	f.fails("GetPolicy", "NoSuchEntity", 404, "Policy arn:aws:iam::aws:policy/Nope was not found.", "PolicyArn", "arn:aws:iam::aws:policy/Nope")
	f.fails("GetPolicy", "InvalidInput", 400, "ARN this-is-not-an-arn-at-all is not valid.", "PolicyArn", "this-is-not-an-arn-at-all")

	v := f.ok("GetPolicyVersion", "PolicyArn", ddbFull, "VersionId", "v15").(getPolicyVersionResult).PolicyVersion
	if !v.IsDefaultVersion || v.VersionID != "v15" || strings.ContainsAny(v.Document, "{\" \n") {
		t.Fatalf("GetPolicyVersion = %+v (document must be URL-encoded)", v)
	}
	doc, err := url.QueryUnescape(v.Document)
	if err != nil {
		t.Fatal(err)
	}
	var parsed struct {
		Version   string
		Statement []struct{ Action any }
	}
	if err := json.Unmarshal([]byte(doc), &parsed); err != nil || parsed.Version != "2012-10-17" || len(parsed.Statement) != 4 {
		t.Fatalf("decoded document %q: %v", doc, err)
	}
	if !strings.Contains(doc, `"kms:DescribeKey"`) || strings.Contains(doc, `"kms:Decrypt"`) {
		t.Errorf("AmazonDynamoDBFullAccess document lost its KMS actions: %s", doc)
	}
	f.fails("GetPolicyVersion", "NoSuchEntity", 404,
		"Policy arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess version v1 does not exist or is not attachable.",
		"PolicyArn", ddbFull, "VersionId", "v1")
}

func TestListPolicies(t *testing.T) {
	f := newFixture(t, Options{})
	names := func(kv ...string) []string {
		var out []string
		for _, p := range f.ok("ListPolicies", kv...).(listPoliciesResult).Policies.Member {
			out = append(out, p.PolicyName)
			if p.Description != "" {
				t.Errorf("ListPolicies includes Description for %s", p.PolicyName)
			}
		}
		return out
	}
	all := []string{"AWSKeyManagementServicePowerUser", "AdministratorAccess", "AmazonDynamoDBFullAccess", "AmazonDynamoDBReadOnlyAccess"}
	tests := []struct {
		kv   []string
		want []string
	}{
		{nil, all},
		{[]string{"Scope", "AWS"}, all},
		{[]string{"Scope", "Local"}, nil},
		{[]string{"OnlyAttached", "true"}, []string{"AdministratorAccess"}},
		{[]string{"PathPrefix", "/service-role/"}, nil},
		{[]string{"PolicyUsageFilter", "PermissionsBoundary"}, nil},
	}
	for _, tt := range tests {
		if got := names(tt.kv...); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ListPolicies %v = %v, want %v", tt.kv, got, tt.want)
		}
	}
	page1 := f.ok("ListPolicies", "MaxItems", "3").(listPoliciesResult)
	page2 := f.ok("ListPolicies", "Marker", page1.Marker).(listPoliciesResult)
	if !page1.IsTruncated || len(page1.Policies.Member) != 3 || page2.IsTruncated || len(page2.Policies.Member) != 1 ||
		page2.Policies.Member[0].PolicyName != all[3] {
		t.Errorf("paging: %+v then %+v", page1, page2)
	}
}

func TestAttachDetach(t *testing.T) {
	f := newFixture(t, Options{})
	f.ok("CreateUser", "UserName", "bob")
	f.fails("AttachUserPolicy", "NoSuchEntity", 404, "Policy arn:aws:iam::aws:policy/X does not exist or is not attachable.",
		"UserName", "bob", "PolicyArn", "arn:aws:iam::aws:policy/X")
	f.fails("AttachUserPolicy", "NoSuchEntity", 404, "The user with name nobody cannot be found.",
		"UserName", "nobody", "PolicyArn", ddbFull)
	f.ok("AttachUserPolicy", "UserName", "bob", "PolicyArn", ddbFull)
	f.ok("AttachUserPolicy", "UserName", "bob", "PolicyArn", ddbFull) // idempotent
	f.ok("AttachUserPolicy", "UserName", "bob", "PolicyArn", kmsPower)
	out := f.ok("ListAttachedUserPolicies", "UserName", "bob").(listAttachedResult)
	want := []attachedPolicyXML{{"AmazonDynamoDBFullAccess", ddbFull}, {"AWSKeyManagementServicePowerUser", kmsPower}}
	if !reflect.DeepEqual(out.AttachedPolicies.Member, want) {
		t.Fatalf("attached = %v, want %v", out.AttachedPolicies.Member, want)
	}
	pols, _ := f.svc.IdentityPolicies(f.existing("bob"))
	if len(pols) != 2 || pols[0].Name != "AmazonDynamoDBFullAccess" || pols[1].Name != "AWSKeyManagementServicePowerUser" {
		t.Fatalf("IdentityPolicies = %v", pols)
	}
	f.ok("DetachUserPolicy", "UserName", "bob", "PolicyArn", ddbFull)
	f.fails("DetachUserPolicy", "NoSuchEntity", 404, "Policy "+ddbFull+" was not found.", "UserName", "bob", "PolicyArn", ddbFull)
	out = f.ok("ListAttachedUserPolicies", "UserName", "bob").(listAttachedResult)
	if len(out.AttachedPolicies.Member) != 1 {
		t.Fatalf("after detach = %v", out.AttachedPolicies.Member)
	}
}

// existing is the principal of an existing user, without an access key.
func (f *fixture) existing(name string) *api.Principal {
	f.svc.mu.RLock()
	defer f.svc.mu.RUnlock()
	return f.svc.principal(f.svc.users[strings.ToLower(name)])
}

func TestInlinePolicies(t *testing.T) {
	f := newFixture(t, Options{})
	f.ok("CreateUser", "UserName", "bob")
	doc := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"kms:Decrypt\", \"Resource\": \"*\"}]\n}"
	f.ok("PutUserPolicy", "UserName", "bob", "PolicyName", "zeta", "PolicyDocument", doc)
	f.ok("PutUserPolicy", "UserName", "bob", "PolicyName", "alpha", "PolicyDocument", doc)

	got := f.ok("GetUserPolicy", "UserName", "bob", "PolicyName", "zeta").(getUserPolicyResult)
	if strings.Contains(got.PolicyDocument, " ") || strings.Contains(got.PolicyDocument, "+") {
		t.Errorf("PolicyDocument not URL-encoded with %%20: %q", got.PolicyDocument)
	}
	if dec, err := url.QueryUnescape(got.PolicyDocument); err != nil || dec != doc {
		t.Errorf("decoded document = %q, %v; want the text as submitted", dec, err)
	}
	names := f.ok("ListUserPolicies", "UserName", "bob").(listUserPoliciesResult)
	if want := []string{"alpha", "zeta"}; !reflect.DeepEqual(names.PolicyNames.Member, want) {
		t.Errorf("ListUserPolicies = %v, want %v", names.PolicyNames.Member, want)
	}
	f.fails("GetUserPolicy", "NoSuchEntity", 404, "The user policy with name nope cannot be found.", "UserName", "bob", "PolicyName", "nope")

	malformed := []struct{ doc, msg string }{
		{`{"Version":"2012-10-17"`, "This policy contains invalid Json"},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}`, "Policy document should not specify a principal."},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*"}]}`, "Policy statement must contain actions."},
	}
	for _, m := range malformed {
		f.fails("PutUserPolicy", "MalformedPolicyDocument", 400, m.msg, "UserName", "bob", "PolicyName", "bad", "PolicyDocument", m.doc)
	}

	// The quota counts every inline policy of the user, without whitespace.
	big := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + strings.Repeat("b", 1800) + `"}]}`
	f.fails("PutUserPolicy", "LimitExceeded", 409, "Maximum policy size of 2048 bytes exceeded for user bob",
		"UserName", "bob", "PolicyName", "big", "PolicyDocument", big)
	f.ok("DeleteUserPolicy", "UserName", "bob", "PolicyName", "alpha")
	f.ok("DeleteUserPolicy", "UserName", "bob", "PolicyName", "zeta")
	f.ok("PutUserPolicy", "UserName", "bob", "PolicyName", "big", "PolicyDocument", big)
	spaced := strings.ReplaceAll(big, ",", " ,  ")
	f.ok("PutUserPolicy", "UserName", "bob", "PolicyName", "big", "PolicyDocument", spaced) // replacing itself, whitespace free
	f.fails("DeleteUserPolicy", "NoSuchEntity", 404, "The user policy with name alpha cannot be found.", "UserName", "bob", "PolicyName", "alpha")
}

func TestPolicySize(t *testing.T) {
	for in, want := range map[string]int{"": 0, "{ }": 2, "a\tb\nc\r d": 4, "é": 1} {
		if got := policySize(in); got != want {
			t.Errorf("policySize(%q) = %d, want %d", in, got, want)
		}
	}
}
