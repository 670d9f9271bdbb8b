package policy

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

const (
	acct   = "111122223333"
	other  = "444455556666"
	alice  = "arn:aws:iam::111122223333:user/alice"
	bob    = "arn:aws:iam::111122223333:user/bob"
	admin  = "arn:aws:iam::111122223333:user/admin"
	root   = "arn:aws:iam::111122223333:root"
	keyARN = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	table  = "arn:aws:dynamodb:us-east-1:111122223333:table/Orders"
)

func load(t *testing.T, name string) *Document {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	parse := ParseIdentity
	if filepath.Dir(name) == "resource" {
		parse = ParseResource
	}
	d, err := parse(src)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return d
}

func mustParse(t *testing.T, parse func([]byte) (*Document, error), src string) *Document {
	t.Helper()
	d, err := parse([]byte(src))
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return d
}

func TestEvaluate(t *testing.T) {
	defaultKey := load(t, "resource/kms-default.json")
	consoleKey := load(t, "resource/kms-console.json")
	viaServiceKey := load(t, "resource/kms-via-service.json")
	awsDynamoKey := load(t, "resource/kms-aws-dynamodb.json")
	ddbFull := Named{Name: "AmazonDynamoDBFullAccess", Doc: load(t, "identity/AmazonDynamoDBFullAccess.json")}
	adminAccess := Named{Name: "AdministratorAccess", Doc: load(t, "identity/AdministratorAccess.json")}
	powerUser := Named{Name: "PowerUserAccess", Doc: load(t, "identity/PowerUserAccess.json")}
	changePassword := Named{Name: "IAMUserChangePassword", Doc: load(t, "identity/IAMUserChangePassword.json")}
	denyDecrypt := Named{Name: "DenyDecrypt", Doc: mustParse(t, ParseIdentity,
		`{"Version":"2012-10-17","Statement":[{"Sid":"NoDecrypt","Effect":"Deny","Action":"kms:Decrypt","Resource":"*"}]}`)}
	keyDenyAlice := mustParse(t, ParseResource, `{"Version":"2012-10-17","Statement":[
		{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"kms:*","Resource":"*"},
		{"Sid":"Deny alice","Effect":"Deny","Principal":{"AWS":["arn:aws:iam::111122223333:user/alice"]},"Action":"kms:Decrypt","Resource":"*"}]}`)
	tablePolicy := func(principal string) *Document {
		return mustParse(t, ParseResource, `{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Principal":{"AWS":"`+
			principal+`"},"Action":"dynamodb:GetItem","Resource":"`+table+`"}]}`)
	}
	roleKey := mustParse(t, ParseResource, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
		"Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"kms:Decrypt","Resource":"*"}]}`)
	pathRoleKey := mustParse(t, ParseResource, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
		"Principal":{"AWS":"arn:aws:iam::111122223333:role/team/app"},"Action":"kms:Decrypt","Resource":"*"}]}`)
	serviceKey := mustParse(t, ParseResource, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
		"Principal":{"Service":"dynamodb.amazonaws.com"},"Action":"kms:Describe*","Resource":"*"}]}`)
	everyoneKey := mustParse(t, ParseResource, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
		"Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"kms:CallerAccount":"111122223333"}}}]}`)
	notResourceDeny := Named{Name: "DenyOutsideTable", Doc: mustParse(t, ParseIdentity, `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"dynamodb:*","Resource":"*"},
		{"Effect":"Deny","Action":"dynamodb:*","NotResource":"`+table+`"}]}`)}

	kms := func(principal, action string, ctx Context, key *Document, ids ...Named) Input {
		return Input{Request: Request{PrincipalARN: principal, Action: action, Resource: keyARN, Context: ctx}, Identity: ids, Resource: key, KMS: true}
	}
	// A session's ARN has no role path: the caller says which role it came from.
	session := func(roleARN string, key *Document) Input {
		in := kms("arn:aws:sts::111122223333:assumed-role/app/session-1", "kms:Decrypt", nil, key)
		in.Request.RoleARN = roleARN
		return in
	}
	plain := func(principal, action, resource string, res *Document, ids ...Named) Input {
		return Input{Request: Request{PrincipalARN: principal, Action: action, Resource: resource}, Identity: ids, Resource: res}
	}
	tests := []struct {
		name   string
		in     Input
		want   Decision
		reason Reason
	}{
		// The lab's point: DynamoDB full access does not reach the key's Decrypt.
		{"default key, DynamoDBFullAccess, Decrypt", kms(alice, "kms:Decrypt", nil, defaultKey, ddbFull), NoDecision, NoIdentityAllow},
		{"default key, DynamoDBFullAccess, DescribeKey", kms(alice, "kms:DescribeKey", nil, defaultKey, ddbFull), Allow, Allowed},
		{"default key, AdministratorAccess, Decrypt", kms(alice, "kms:Decrypt", nil, defaultKey, adminAccess), Allow, Allowed},
		{"default key, no policies", kms(alice, "kms:Encrypt", nil, defaultKey), NoDecision, NoIdentityAllow},
		{"default key, root needs no IAM policy", kms(root, "kms:ScheduleKeyDeletion", nil, defaultKey), Allow, Allowed},
		{"console key, key user named directly", kms(alice, "kms:Decrypt", nil, consoleKey), Allow, Allowed},
		{"console key, ReEncrypt wildcard", kms(alice, "kms:ReEncryptFrom", nil, consoleKey), Allow, Allowed},
		{"console key, GenerateDataKey wildcard", kms(alice, "kms:GenerateDataKeyWithoutPlaintext", nil, consoleKey), Allow, Allowed},
		{"console key, user may not administer", kms(alice, "kms:ScheduleKeyDeletion", nil, consoleKey), NoDecision, NoIdentityAllow},
		{"console key, administrator", kms(admin, "kms:PutKeyPolicy", nil, consoleKey), Allow, Allowed},
		{"console key, administrator cannot decrypt", kms(admin, "kms:Decrypt", nil, consoleKey), NoDecision, NoIdentityAllow},
		{"console key, grant for AWS resource", kms(alice, "kms:CreateGrant", Context{"kms:GrantIsForAWSResource": {"true"}}, consoleKey), Allow, Allowed},
		{"console key, grant not for AWS resource", kms(alice, "kms:CreateGrant", Context{"kms:GrantIsForAWSResource": {"false"}}, consoleKey), NoDecision, NoIdentityAllow},
		{"console key, grant without the key", kms(alice, "kms:CreateGrant", nil, consoleKey), NoDecision, NoIdentityAllow},
		{"console key, other user via IAM", kms(bob, "kms:Decrypt", nil, consoleKey, adminAccess), Allow, Allowed},
		{"via service, through DynamoDB", kms(alice, "kms:Decrypt", Context{"kms:ViaService": {"dynamodb.us-east-1.amazonaws.com"}}, viaServiceKey), Allow, Allowed},
		{"via service, called directly", kms(alice, "kms:Decrypt", nil, viaServiceKey), NoDecision, NoResourceAllow},
		{"via service, other region", kms(alice, "kms:Decrypt", Context{"kms:ViaService": {"dynamodb.eu-west-1.amazonaws.com"}}, viaServiceKey), NoDecision, NoResourceAllow},
		{"no root statement, admin locked out", kms(bob, "kms:Decrypt", nil, viaServiceKey, adminAccess), NoDecision, NoResourceAllow},
		{"KMS key without policy", kms(alice, "kms:Decrypt", nil, nil, adminAccess), NoDecision, NoResourceAllow},
		{"aws/dynamodb key through DynamoDB", kms(alice, "kms:Decrypt", Context{"kms:ViaService": {"dynamodb.us-east-1.amazonaws.com"}}, awsDynamoKey), Allow, Allowed},
		{"aws/dynamodb key called directly", kms(alice, "kms:Decrypt", nil, awsDynamoKey), NoDecision, NoResourceAllow},
		{"aws/dynamodb key, describe via account", kms(alice, "kms:DescribeKey", nil, awsDynamoKey, ddbFull), Allow, Allowed},
		{"aws/dynamodb key, service principal", kms("dynamodb.amazonaws.com", "kms:DescribeKey", nil, awsDynamoKey), Allow, Allowed},
		{"everyone in the account", kms(bob, "kms:Decrypt", nil, everyoneKey), Allow, Allowed},
		{"everyone, other account", kms("arn:aws:iam::444455556666:user/eve", "kms:Decrypt", nil, everyoneKey, adminAccess), NoDecision, NoResourceAllow},
		{"everyone, caller account from context", kms(bob, "kms:Decrypt", Context{"kms:CallerAccount": {other}}, everyoneKey), NoDecision, NoResourceAllow},
		{"assumed role matches role principal", kms("arn:aws:sts::111122223333:assumed-role/app/session-1", "kms:Decrypt", nil, roleKey), Allow, Allowed},
		{"session of a role with a path matches the role's ARN with its path", session("arn:aws:iam::111122223333:role/team/app", pathRoleKey), Allow, Allowed},
		{"session of a role with a path does not match the ARN without it", session("arn:aws:iam::111122223333:role/team/app", roleKey), NoDecision, NoResourceAllow},
		{"session of a role without a path, role given", session("arn:aws:iam::111122223333:role/app", roleKey), Allow, Allowed},
		{"session of a role without a path does not match a path", session("arn:aws:iam::111122223333:role/app", pathRoleKey), NoDecision, NoResourceAllow},
		{"other role does not", kms("arn:aws:sts::111122223333:assumed-role/web/session-1", "kms:Decrypt", nil, roleKey), NoDecision, NoResourceAllow},
		{"service principal", kms("dynamodb.amazonaws.com", "kms:DescribeKey", nil, serviceKey), Allow, Allowed},
		{"service principal, other service", kms("s3.amazonaws.com", "kms:DescribeKey", nil, serviceKey), NoDecision, NoResourceAllow},
		// Deny wins.
		{"identity deny beats admin", kms(alice, "kms:Decrypt", nil, consoleKey, adminAccess, denyDecrypt), Deny, ExplicitDenyIdentity},
		{"identity deny, other action", kms(alice, "kms:Encrypt", nil, consoleKey, adminAccess, denyDecrypt), Allow, Allowed},
		{"key policy deny beats admin", kms(alice, "kms:Decrypt", nil, keyDenyAlice, adminAccess), Deny, ExplicitDenyResource},
		{"key policy deny, other user", kms(bob, "kms:Decrypt", nil, keyDenyAlice, adminAccess), Allow, Allowed},
		{"identity deny reported before resource deny", kms(alice, "kms:Decrypt", nil, keyDenyAlice, denyDecrypt), Deny, ExplicitDenyIdentity},
		// Ordinary resources: identity or resource policy suffices.
		{"table, DynamoDBFullAccess", plain(alice, "dynamodb:GetItem", table, nil, ddbFull), Allow, Allowed},
		{"table, no policy", plain(alice, "dynamodb:GetItem", table, nil), NoDecision, NoIdentityAllow},
		{"table, resource policy names user", plain(alice, "dynamodb:GetItem", table, tablePolicy(alice)), Allow, Allowed},
		{"table, resource policy names account only", plain(alice, "dynamodb:GetItem", table, tablePolicy(acct)), NoDecision, NoIdentityAllow},
		{"table, root", plain(root, "dynamodb:DeleteTable", table, nil), Allow, Allowed},
		{"NotResource deny, inside", plain(alice, "dynamodb:PutItem", table, nil, notResourceDeny), Allow, Allowed},
		{"NotResource deny, outside", plain(alice, "dynamodb:PutItem", table+"2", nil, notResourceDeny), Deny, ExplicitDenyIdentity},
		{"PowerUser NotAction iam:*, s3", plain(alice, "s3:GetObject", "arn:aws:s3:::b/k", nil, powerUser), Allow, Allowed},
		{"PowerUser NotAction iam:*, iam", plain(alice, "iam:CreateUser", "arn:aws:iam::111122223333:user/x", nil, powerUser), NoDecision, NoIdentityAllow},
		{"PowerUser NotAction, case-insensitive", plain(alice, "IAM:CreateUser", "arn:aws:iam::111122223333:user/x", nil, powerUser), NoDecision, NoIdentityAllow},
		{"PowerUser, service-linked role allowed", plain(alice, "iam:CreateServiceLinkedRole", "arn:aws:iam::111122223333:role/x", nil, powerUser), Allow, Allowed},
		{"own password by ${aws:username}", plain(alice, "iam:ChangePassword", alice, nil, changePassword), Allow, Allowed},
		{"someone else's password", plain(alice, "iam:ChangePassword", bob, nil, changePassword), NoDecision, NoIdentityAllow},
		{"own password, path user", plain("arn:aws:iam::111122223333:user/dev/carol", "iam:ChangePassword", "arn:aws:iam::111122223333:user/dev/carol", nil, changePassword), Allow, Allowed},
		// Across accounts both sides must allow.
		{"cross-account, identity only", plain("arn:aws:iam::444455556666:user/eve", "dynamodb:GetItem", table, nil, adminAccess), NoDecision, NoResourceAllow},
		{"cross-account, resource only", plain("arn:aws:iam::444455556666:user/eve", "dynamodb:GetItem", table, tablePolicy(other)), NoDecision, NoIdentityAllow},
		{"cross-account, both", plain("arn:aws:iam::444455556666:user/eve", "dynamodb:GetItem", table, tablePolicy(other), adminAccess), Allow, Allowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := Evaluate(tt.in)
			if out.Decision != tt.want || out.Reason != tt.reason {
				t.Errorf("Evaluate = %v/%v, want %v/%v; matches %+v", out.Decision, out.Reason, tt.want, tt.reason, out.Matches)
			}
			msg := out.Message(tt.in.Request.PrincipalARN, tt.in.Request.Action, tt.in.Request.Resource)
			if (msg == "") != (tt.want == Allow) {
				t.Errorf("message %q for %v", msg, out.Decision)
			}
		})
	}
}

func TestEvaluateMatches(t *testing.T) {
	consoleKey := load(t, "resource/kms-console.json")
	out := Evaluate(Input{
		Request:  Request{PrincipalARN: alice, Action: "kms:Decrypt", Resource: keyARN},
		Identity: []Named{{Name: "AdministratorAccess", Doc: load(t, "identity/AdministratorAccess.json")}, {Name: "empty"}},
		Resource: consoleKey,
		KMS:      true,
	})
	want := []Match{
		{Source: "AdministratorAccess", Index: 0, Effect: "Allow"},
		{Source: "key policy", Sid: "Enable IAM User Permissions", Index: 0, Effect: "Allow", ViaAccount: true},
		{Source: "key policy", Sid: "Allow use of the key", Index: 2, Effect: "Allow"},
	}
	if !reflect.DeepEqual(out.Matches, want) {
		t.Errorf("matches\n got %+v\nwant %+v", out.Matches, want)
	}

	r := consoleKey.EvaluateResource("key policy", Request{PrincipalARN: bob, Action: "kms:Decrypt", Resource: keyARN})
	if r.Decision != Allow || len(r.Matches) != 1 || !r.Matches[0].ViaAccount {
		t.Errorf("EvaluateResource for bob = %+v, want one via-account allow", r)
	}
	r = consoleKey.EvaluateIdentity("as identity", Request{PrincipalARN: bob, Action: "kms:Decrypt", Resource: keyARN})
	if r.Decision != Allow || len(r.Matches) != 2 {
		t.Errorf("EvaluateIdentity ignores principals: got %+v", r)
	}
	ddb := load(t, "identity/AmazonDynamoDBFullAccess.json")
	if r := ddb.EvaluateIdentity("AmazonDynamoDBFullAccess", Request{PrincipalARN: alice, Action: "kms:Decrypt", Resource: keyARN}); r.Decision != NoDecision || r.Matches != nil {
		t.Errorf("AmazonDynamoDBFullAccess allows kms:Decrypt: %+v", r)
	}
}

func TestEvaluateS3Examples(t *testing.T) {
	doc := load(t, "resource/s3-deny-insecure.json")
	const bobOther = "arn:aws:iam::444455556666:user/Bob"
	const eve = "arn:aws:iam::444455556666:user/eve"
	tests := []struct {
		principal, action, resource string
		ctx                         Context
		want                        Decision
	}{
		{bobOther, "s3:PutObject", "arn:aws:s3:::examplebucket/x", Context{"aws:SecureTransport": {"true"}}, NoDecision},                         // NotPrincipal spares Bob
		{eve, "s3:PutObject", "arn:aws:s3:::examplebucket/x", Context{"aws:SecureTransport": {"true"}}, Deny},                                    // the account entry alone exempts nobody
		{"arn:aws:iam::444455556666:root", "s3:PutObject", "arn:aws:s3:::examplebucket/x", Context{"aws:SecureTransport": {"true"}}, NoDecision}, // except the account's root
		{alice, "s3:PutObject", "arn:aws:s3:::examplebucket/x", Context{"aws:SecureTransport": {"true"}}, Deny},
		{alice, "s3:GetObject", "arn:aws:s3:::examplebucket/x", Context{"aws:SecureTransport": {"true"}}, NoDecision},
		{alice, "s3:PutObject", "arn:aws:s3:::examplebucket/public/x", Context{"aws:SecureTransport": {"true"}}, NoDecision},
		{bobOther, "s3:GetObject", "arn:aws:s3:::examplebucket/x", Context{"aws:SecureTransport": {"false"}, "s3:TlsVersion": {"1.0"}}, Deny},
		{bobOther, "s3:GetObject", "arn:aws:s3:::examplebucket/x", Context{"aws:SecureTransport": {"false"}, "s3:TlsVersion": {"1.2"}}, NoDecision},
		{bobOther, "s3:GetObject", "arn:aws:s3:::otherbucket/x", Context{"aws:SecureTransport": {"false"}, "s3:TlsVersion": {"1.0"}}, NoDecision},
	}
	for _, tt := range tests {
		r := doc.EvaluateResource("bucket policy", Request{PrincipalARN: tt.principal, Action: tt.action, Resource: tt.resource, Context: tt.ctx})
		if r.Decision != tt.want {
			t.Errorf("%s %s %s %v = %v, want %v", tt.principal, tt.action, tt.resource, tt.ctx, r.Decision, tt.want)
		}
	}
}

func TestPolicyVariablesNeedVersion2012(t *testing.T) {
	src := `{"Version":"%s","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::home/${aws:username}/*"}]}`
	for version, want := range map[string]Decision{"2012-10-17": Allow, "2008-10-17": NoDecision} {
		d := mustParse(t, ParseIdentity, fmt.Sprintf(src, version))
		r := d.EvaluateIdentity("p", Request{PrincipalARN: alice, Action: "s3:GetObject", Resource: "arn:aws:s3:::home/alice/notes.txt"})
		if r.Decision != want {
			t.Errorf("version %s: %v, want %v", version, r.Decision, want)
		}
	}
	// A variable with no value makes the resource match nothing.
	d := mustParse(t, ParseIdentity, fmt.Sprintf(src, "2012-10-17"))
	if r := d.EvaluateIdentity("p", Request{PrincipalARN: "arn:aws:sts::111122223333:assumed-role/app/s", Action: "s3:GetObject", Resource: "arn:aws:s3:::home//notes.txt"}); r.Decision != NoDecision {
		t.Errorf("unresolved variable matched: %+v", r)
	}
}

func TestMessages(t *testing.T) {
	const head = "User: " + alice + " is not authorized to perform: kms:Decrypt on resource: " + keyARN
	for reason, want := range map[Reason]string{
		NoIdentityAllow:      head + " because no identity-based policy allows the kms:Decrypt action",
		NoResourceAllow:      head + " because no resource-based policy allows the kms:Decrypt action",
		ExplicitDenyIdentity: head + " with an explicit deny in an identity-based policy",
		ExplicitDenyResource: head + " with an explicit deny in a resource-based policy",
		Allowed:              "",
	} {
		if got := (Outcome{Reason: reason}).Message(alice, "kms:Decrypt", keyARN); got != want {
			t.Errorf("%v: %q, want %q", reason, got, want)
		}
	}
	// End to end, the exact text DynamoDB wraps in its AccessDeniedException.
	out := Evaluate(Input{
		Request:  Request{PrincipalARN: alice, Action: "kms:Decrypt", Resource: keyARN},
		Identity: []Named{{Name: "AmazonDynamoDBFullAccess", Doc: load(t, "identity/AmazonDynamoDBFullAccess.json")}},
		Resource: load(t, "resource/kms-default.json"),
		KMS:      true,
	})
	if got := out.Message(alice, "kms:Decrypt", keyARN); got != head+" because no identity-based policy allows the kms:Decrypt action" {
		t.Errorf("message %q", got)
	}
	for _, s := range []interface{ String() string }{NoDecision, Allow, Deny, Allowed, NoResourceAllow} {
		if s.String() == "" {
			t.Errorf("%#v has no name", s)
		}
	}
}

func TestAWSPrincipals(t *testing.T) {
	got := load(t, "resource/kms-console.json").AWSPrincipals()
	want := []string{root, admin, alice}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	got = load(t, "resource/s3-deny-insecure.json").AWSPrincipals()
	want = []string{"arn:aws:iam::444455556666:user/Bob", other}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if got := load(t, "resource/role-trust-ec2.json").AWSPrincipals(); got != nil {
		t.Errorf("service-only policy lists %v", got)
	}
}

func TestEvalDecision(t *testing.T) {
	for d, want := range map[Decision]string{Allow: "allowed", Deny: "explicitDeny", NoDecision: "implicitDeny"} {
		if got := (Outcome{Decision: d}).EvalDecision(); got != want {
			t.Errorf("%v: %s, want %s", d, got, want)
		}
	}
}

func TestNotPrincipal(t *testing.T) {
	deny := func(notPrincipal string) *Document {
		return mustParse(t, ParseResource, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":`+notPrincipal+`,"Action":"s3:*","Resource":"*"}]}`)
	}
	tests := []struct {
		notPrincipal, caller string
		want                 Decision
	}{
		{`{"AWS":["` + alice + `","` + root + `"]}`, alice, NoDecision},
		{`{"AWS":["` + alice + `","` + acct + `"]}`, alice, NoDecision},
		{`{"AWS":["` + alice + `","` + root + `"]}`, bob, Deny},
		{`{"AWS":"` + alice + `"}`, alice, Deny}, // the account must be listed too
		{`{"AWS":"` + root + `"}`, alice, Deny},
		{`{"AWS":"` + root + `"}`, root, NoDecision},
		{`"*"`, alice, NoDecision},
		{`{"Service":"ec2.amazonaws.com"}`, "ec2.amazonaws.com", NoDecision},
		{`{"Service":"ec2.amazonaws.com"}`, alice, Deny},
	}
	for _, tt := range tests {
		r := deny(tt.notPrincipal).EvaluateResource("p", Request{PrincipalARN: tt.caller, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"})
		if r.Decision != tt.want {
			t.Errorf("NotPrincipal %s, caller %s: %v, want %v", tt.notPrincipal, tt.caller, r.Decision, tt.want)
		}
	}
}
