package iam

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"kmslab/sim/api"
)

const rootTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]}`

func TestRoleValidation(t *testing.T) {
	f := newFixture(t, Options{})
	big := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"` +
		strings.Repeat("x", 2100) + `"}}}]}`
	tests := []struct {
		name, code string
		status     int
		msg        string
		kv         []string
	}{
		{"long name", "ValidationError", 400, "", []string{"RoleName", strings.Repeat("r", 65), "AssumeRolePolicyDocument", rootTrust}},
		{"no trust", "ValidationError", 400,
			"1 validation error detected: Value null at 'assumeRolePolicyDocument' failed to satisfy constraint: Member must not be null", []string{"RoleName", "r"}},
		{"short session", "ValidationError", 400,
			"1 validation error detected: Value '60' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600",
			[]string{"RoleName", "r", "AssumeRolePolicyDocument", rootTrust, "MaxSessionDuration", "60"}},
		{"missing boundary policy", "NoSuchEntity", 404, "Policy arn:aws:iam::111122223333:policy/nope does not exist or is not attachable.",
			[]string{"RoleName", "r", "AssumeRolePolicyDocument", rootTrust, "PermissionsBoundary", "arn:aws:iam::111122223333:policy/nope"}},
		{"trust too big", "LimitExceeded", 409, "Cannot exceed quota for ACLSizePerRole: 2048", []string{"RoleName", "r", "AssumeRolePolicyDocument", big}},
		{"identity policy as trust", "MalformedPolicyDocument", 400, "Missing required field Principal",
			[]string{"RoleName", "r", "AssumeRolePolicyDocument", localDoc}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.call(f.admin, "CreateRole", tt.kv...)
			expectErr(t, err, tt.code, tt.status, tt.msg)
		})
	}
	if len(f.svc.roles) != 0 {
		t.Fatalf("%d roles created by failing calls", len(f.svc.roles))
	}
	// Another account's principals are that account's to check.
	f.ok("CreateRole", "RoleName", "cross", "AssumeRolePolicyDocument",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:user/nobody"},"Action":"sts:AssumeRole"}]}`)
}

func TestGroupQuotasAndMembership(t *testing.T) {
	f := newFixture(t, Options{})
	f.ok("CreateUser", "UserName", "bob")
	for i := range maxGroupsPerUser + 1 {
		name := "g" + string(rune('a'+i))
		f.ok("CreateGroup", "GroupName", name)
		if i < maxGroupsPerUser {
			f.ok("AddUserToGroup", "GroupName", name, "UserName", "bob")
			continue
		}
		f.fails("AddUserToGroup", "LimitExceeded", 409, "Cannot exceed quota for GroupsPerUser: 10", "GroupName", name, "UserName", "bob")
	}
	f.ok("AddUserToGroup", "GroupName", "ga", "UserName", "BOB") // already a member, whatever the case
	if n := len(f.svc.groups["ga"].Members); n != 1 {
		t.Fatalf("ga has %d members, want 1", n)
	}
	f.fails("DeleteUser", "DeleteConflict", 409, "Cannot delete entity, must remove user from all groups first.", "UserName", "bob")
	f.fails("RemoveUserFromGroup", "NoSuchEntity", 404, "The user with name bob cannot be found.", "GroupName", "gk", "UserName", "bob")
	f.fails("AddUserToGroup", "NoSuchEntity", 404, "The group with name nope cannot be found.", "GroupName", "nope", "UserName", "bob")

	big := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + strings.Repeat("b", 5100) + `"}]}`
	f.fails("PutGroupPolicy", "LimitExceeded", 409, "Maximum policy size of 5120 bytes exceeded for group ga",
		"GroupName", "ga", "PolicyName", "big", "PolicyDocument", big)
	f.fails("PutGroupPolicy", "MalformedPolicyDocument", 400, "Policy document should not specify a principal.",
		"GroupName", "ga", "PolicyName", "p", "PolicyDocument", rootTrust)
	f.fails("AttachGroupPolicy", "NoSuchEntity", 404, "Policy arn:aws:iam::aws:policy/Nope does not exist or is not attachable.",
		"GroupName", "ga", "PolicyArn", "arn:aws:iam::aws:policy/Nope")

	// bob's policies: his own, then each group's, in group name order.
	f.ok("PutUserPolicy", "UserName", "bob", "PolicyName", "own", "PolicyDocument", localDoc)
	f.ok("PutGroupPolicy", "GroupName", "gb", "PolicyName", "from-gb", "PolicyDocument", localDoc)
	f.ok("AttachGroupPolicy", "GroupName", "ga", "PolicyArn", ddbFull)
	pols, _ := f.svc.IdentityPolicies(f.existing("bob"))
	var names []string
	for _, p := range pols {
		names = append(names, p.Name)
	}
	if got := strings.Join(names, ","); got != "own,AmazonDynamoDBFullAccess,from-gb" {
		t.Fatalf("bob's policies = %s", got)
	}
}

func TestSimulateGroupAndRoleSources(t *testing.T) {
	f := newFixture(t, Options{})
	f.ok("CreateGroup", "GroupName", "g")
	f.ok("PutGroupPolicy", "GroupName", "g", "PolicyName", "decrypt", "PolicyDocument", localDoc)
	f.ok("CreateRole", "RoleName", "r", "AssumeRolePolicyDocument", rootTrust)
	f.ok("AttachRolePolicy", "RoleName", "r", "PolicyArn", ddbFull)
	for _, tt := range []struct{ source, action, decision, sourceType string }{
		{"arn:aws:iam::111122223333:group/g", "kms:Decrypt", "allowed", "group"},
		{"arn:aws:iam::111122223333:role/r", "dynamodb:Scan", "allowed", "aws-managed"},
		{"arn:aws:iam::111122223333:role/r", "kms:Decrypt", "implicitDeny", ""},
	} {
		out := f.ok("SimulatePrincipalPolicy", "PolicySourceArn", tt.source, "ActionNames.member.1", tt.action).(simulateResult)
		r := out.EvaluationResults.Member[0]
		if r.EvalDecision != tt.decision || (tt.sourceType != "" && r.MatchedStatements.Member[0].SourcePolicyType != tt.sourceType) {
			t.Errorf("%s %s = %+v", tt.source, tt.action, r)
		}
	}
	f.fails("SimulatePrincipalPolicy", "NoSuchEntity", 404, "The role with name nope cannot be found.",
		"PolicySourceArn", "arn:aws:iam::111122223333:role/nope", "ActionNames.member.1", "kms:Decrypt")
	f.fails("SimulatePrincipalPolicy", "InvalidInput", 400, "",
		"PolicySourceArn", "arn:aws:iam::111122223333:role/r", "ActionNames.member.1", "kms:Decrypt", "ResourcePolicy", rootTrust)
}

// assume runs STS AssumeRole as p.
func (f *fixture) assume(p *api.Principal, kv ...string) (assumeRoleResult, error) {
	f.t.Helper()
	form := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		form.Add(kv[i], kv[i+1])
	}
	ctx := api.WithRequest(f.t.Context(), &api.Request{Service: "sts", Operation: "AssumeRole", Principal: p})
	out, err := f.svc.AssumeRole(ctx, form)
	if err != nil {
		return assumeRoleResult{}, err
	}
	return out.(assumeRoleResult), nil
}

func TestAssumeRoleValidation(t *testing.T) {
	f := newFixture(t, Options{})
	f.ok("CreateRole", "RoleName", "r", "AssumeRolePolicyDocument", rootTrust)
	arn := "arn:aws:iam::111122223333:role/r"
	tests := []struct {
		name, code string
		status     int
		msg        string
		kv         []string
	}{
		{"no arn", "ValidationError", 400, "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null",
			[]string{"RoleSessionName", "s1"}},
		{"bad session name", "ValidationError", 400, "", []string{"RoleArn", arn, "RoleSessionName", "has space"}},
		{"short duration", "ValidationError", 400, "", []string{"RoleArn", arn, "RoleSessionName", "s1", "DurationSeconds", "60"}},
		{"session policy", "ValidationError", 400, "", []string{"RoleArn", arn, "RoleSessionName", "s1", "Policy", localDoc}},
		{"session tags", "ValidationError", 400, "", []string{"RoleArn", arn, "RoleSessionName", "s1", "Tags.member.1.Key", "k", "Tags.member.1.Value", "v"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.assume(f.admin, tt.kv...)
			expectErr(t, err, tt.code, tt.status, tt.msg)
		})
	}
	root := &api.Principal{ARN: "arn:aws:iam::111122223333:root", AccountID: testAccount, IsRoot: true}
	_, err := f.assume(root, "RoleArn", arn, "RoleSessionName", "s1")
	expectErr(t, err, "AccessDenied", 403, "Roles may not be assumed by root accounts.")

	// ExternalId reaches the trust policy's conditions.
	f.ok("UpdateAssumeRolePolicy", "RoleName", "r", "PolicyDocument",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"lab-42"}}}]}`)
	_, err = f.assume(f.admin, "RoleArn", arn, "RoleSessionName", "s1")
	expectErr(t, err, "AccessDenied", 403, "")
	if _, err := f.assume(f.admin, "RoleArn", arn, "RoleSessionName", "s1", "ExternalId", "lab-42"); err != nil {
		t.Fatalf("AssumeRole with the external id: %v", err)
	}
}

func TestSessionCredentials(t *testing.T) {
	f := newFixture(t, Options{})
	f.ok("CreateRole", "RoleName", "r", "AssumeRolePolicyDocument", rootTrust)
	out, err := f.assume(f.admin, "RoleArn", "arn:aws:iam::111122223333:role/r", "RoleSessionName", "s1", "DurationSeconds", "900")
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	secret, p, ok := f.svc.LookupAccessKey(c.AccessKeyID)
	if !ok || secret != c.SecretAccessKey || p.ARN != "arn:aws:sts::111122223333:assumed-role/r/s1" || p.UserName != "" || !strings.HasSuffix(p.UserID, ":s1") {
		t.Fatalf("LookupAccessKey(session) = %v %+v", ok, p)
	}
	tests := []struct {
		name, id, token string
		ok, expired     bool
	}{
		{"long-term key alone", "AKIAADMINADMINADMIN1", "", true, false},
		{"long-term key with a token", "AKIAADMINADMINADMIN1", c.SessionToken, false, false},
		{"session with its token", c.AccessKeyID, c.SessionToken, true, false},
		{"session with another token", c.AccessKeyID, c.SessionToken + "x", false, false},
		{"session without a token", c.AccessKeyID, "", false, false},
	}
	for _, tt := range tests {
		if ok, expired := f.svc.VerifySession(tt.id, tt.token); ok != tt.ok || expired != tt.expired {
			t.Errorf("%s: VerifySession = %v %v, want %v %v", tt.name, ok, expired, tt.ok, tt.expired)
		}
	}
	_, err = f.call(p, "GetUser")
	expectErr(t, err, "ValidationError", 400, "Must specify userName when calling with non-User credentials")
	pols, _ := f.svc.IdentityPolicies(p)
	if len(pols) != 0 {
		t.Fatalf("a role without policies gives its session %d", len(pols))
	}
	f.ok("AttachRolePolicy", "RoleName", "r", "PolicyArn", ddbFull)
	if pols, _ := f.svc.IdentityPolicies(p); len(pols) != 1 || pols[0].Name != "AmazonDynamoDBFullAccess" {
		t.Fatalf("session policies = %v, want the role's", pols)
	}
	f.clock.Advance(15 * time.Minute)
	if ok, expired := f.svc.VerifySession(c.AccessKeyID, c.SessionToken); !ok || !expired {
		t.Fatalf("after 15 minutes: VerifySession = %v %v, want expired", ok, expired)
	}
	// A role deleted and created again is another role: old sessions are not its.
	f.ok("DetachRolePolicy", "RoleName", "r", "PolicyArn", ddbFull)
	f.ok("DeleteRole", "RoleName", "r")
	f.ok("CreateRole", "RoleName", "r", "AssumeRolePolicyDocument", rootTrust)
	if _, _, ok := f.svc.LookupAccessKey(c.AccessKeyID); ok {
		t.Fatal("a session of the deleted role still authenticates")
	}
	if pols, _ := f.svc.IdentityPolicies(p); len(pols) != 0 {
		t.Fatal("a session of the deleted role gets the new role's policies")
	}
}

func TestRoleAndPolicyTags(t *testing.T) {
	f := newFixture(t, Options{})
	f.ok("CreateRole", "RoleName", "r", "AssumeRolePolicyDocument", rootTrust, "Tags.member.1.Key", "kmslab:run", "Tags.member.1.Value", "a")
	arn := f.ok("CreatePolicy", "PolicyName", "p", "PolicyDocument", localDoc).(createPolicyResult).Policy.Arn
	keys := func(op string, kv ...string) string {
		var out []string
		for _, tg := range f.ok(op, kv...).(listTagsResult).Tags.Member {
			out = append(out, tg.Key+"="+tg.Value)
		}
		return strings.Join(out, ",")
	}
	f.ok("TagRole", "RoleName", "r", "Tags.member.1.Key", "KMSLAB:RUN", "Tags.member.1.Value", "b", "Tags.member.2.Key", "team", "Tags.member.2.Value", "x")
	if got := keys("ListRoleTags", "RoleName", "r"); got != "KMSLAB:RUN=b,team=x" {
		t.Errorf("ListRoleTags = %s", got)
	}
	f.ok("UntagRole", "RoleName", "r", "TagKeys.member.1", "Team")
	if got := keys("ListRoleTags", "RoleName", "r"); got != "KMSLAB:RUN=b" {
		t.Errorf("ListRoleTags after untag = %s", got)
	}
	f.ok("TagPolicy", "PolicyArn", arn, "Tags.member.1.Key", "kmslab:run", "Tags.member.1.Value", "a")
	if got := keys("ListPolicyTags", "PolicyArn", arn); got != "kmslab:run=a" {
		t.Errorf("ListPolicyTags = %s", got)
	}
	if got := f.ok("GetPolicy", "PolicyArn", arn).(getPolicyResult).Policy.Tags; got == nil || len(got.Member) != 1 {
		t.Errorf("GetPolicy tags = %v", got)
	}
	f.fails("TagPolicy", "AccessDenied", 403, "", "PolicyArn", ddbFull, "Tags.member.1.Key", "k", "Tags.member.1.Value", "v")
	f.fails("ListRoleTags", "NoSuchEntity", 404, "The role with name nope cannot be found.", "RoleName", "nope")
}
