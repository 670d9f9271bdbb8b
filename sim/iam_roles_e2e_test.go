package sim_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"

	"kmslab/internal/simtest"
	"kmslab/sim"
	"kmslab/sim/audit"
)

// trustPolicy admits the given AWS principals to sts:AssumeRole.
func trustPolicy(principals ...string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["` + strings.Join(principals, `","`) +
		`"]},"Action":"sts:AssumeRole"}]}`
}

// sessionConfig is an SDK config signing with temporary credentials.
func sessionConfig(srv *sim.Server, c *ststypes.Credentials) aws.Config {
	cfg := sdkConfig(srv, "", "")
	cfg.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
	return cfg
}

// lasts reports whether a session expiring at exp (sent in whole seconds) was issued for d.
func lasts(clock *simtest.Clock, exp time.Time, d time.Duration) bool {
	left := exp.Sub(clock.Now())
	return left <= d && left > d-time.Second
}

// TestIAMRolesAndAssumeRoleOverTheWire: a role named in the table key's policy
// reads the lab table after AssumeRole, a role the key policy does not name
// is refused by KMS, and the trust policy, the caller's identity policy,
// session expiry and deletion decide who gets and keeps a session.
func TestIAMRolesAndAssumeRoleOverTheWire(t *testing.T) {
	ctx := context.Background()
	clock := simtest.NewClock(time.Now().UTC())
	srv := startSim(t, sim.Options{Clock: clock.Now, KeyCacheTTL: sim.NoKeyCache})
	adminCfg := sdkConfig(srv, srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey)
	admin, adminKMS, adminDDB := iam.NewFromConfig(adminCfg), kms.NewFromConfig(adminCfg), dynamodb.NewFromConfig(adminCfg)
	root := "arn:aws:iam::" + srv.AccountID + ":root"

	// Two application roles with DynamoDB access; the account trusts itself,
	// so a caller also needs sts:AssumeRole in its identity policies.
	roles := map[string]string{}
	for _, name := range []string{"app-role", "other-role"} {
		out, err := admin.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trustPolicy(root)),
			Description: aws.String("kmslab e2e")})
		if err != nil {
			t.Fatalf("CreateRole %s: %v", name, err)
		}
		r := out.Role
		if !strings.HasPrefix(aws.ToString(r.RoleId), "AROA") || aws.ToString(r.Arn) != "arn:aws:iam::"+srv.AccountID+":role/"+name ||
			aws.ToInt32(r.MaxSessionDuration) != 3600 || r.CreateDate == nil {
			t.Fatalf("CreateRole = %+v", r)
		}
		if doc, err := url.QueryUnescape(aws.ToString(r.AssumeRolePolicyDocument)); err != nil || doc != trustPolicy(root) {
			t.Fatalf("CreateRole trust policy = %q (%v)", doc, err)
		}
		if _, err := admin.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(name),
			PolicyArn: aws.String("arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess")}); err != nil {
			t.Fatalf("AttachRolePolicy: %v", err)
		}
		roles[name] = aws.ToString(r.Arn)
	}
	_, err := admin.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("APP-ROLE"), AssumeRolePolicyDocument: aws.String(trustPolicy(root))})
	var exists *iamtypes.EntityAlreadyExistsException
	if !errors.As(err, &exists) || exists.ErrorMessage() != "Role with name APP-ROLE already exists." {
		t.Fatalf("CreateRole with a taken name: %v", err)
	}
	for _, bad := range []struct{ doc, msg string }{
		{trustPolicy("arn:aws:iam::" + srv.AccountID + ":user/nobody"), `Invalid principal in policy: "AWS":"arn:aws:iam::` + srv.AccountID + `:user/nobody"`},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}`, "Missing required field Principal"},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + root + `"},"Action":"sts:AssumeRole","Resource":"*"}]}`, "Has prohibited field Resource"},
	} {
		_, err := admin.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("bad-role"), AssumeRolePolicyDocument: aws.String(bad.doc)})
		var mal *iamtypes.MalformedPolicyDocumentException
		if !errors.As(err, &mal) || mal.ErrorMessage() != bad.msg {
			t.Errorf("CreateRole with %s: %v, want %q", bad.doc, err, bad.msg)
		}
	}

	// The lab's key and table; the key policy names app-role as a key user.
	key, err := adminKMS.CreateKey(ctx, &kms.CreateKeyInput{Policy: aws.String(consolePolicy(srv.AccountID, srv.AdminARN, srv.AdminARN, roles["app-role"]))})
	if err != nil {
		t.Fatalf("CreateKey naming a role: %v", err)
	}
	keyARN := aws.ToString(key.KeyMetadata.Arn)
	const table = "kmslab-roles"
	createTable(t, adminDDB, table, false, &ddbtypes.SSESpecification{Enabled: aws.Bool(true), SSEType: ddbtypes.SSETypeKms, KMSMasterKeyId: aws.String(keyARN)})
	if _, err := adminDDB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: map[string]ddbtypes.AttributeValue{"pk": s("customer-1")}}); err != nil {
		t.Fatalf("admin PutItem: %v", err)
	}
	enc, err := adminKMS.Encrypt(ctx, &kms.EncryptInput{KeyId: aws.String(keyARN), Plaintext: []byte("secret")})
	if err != nil {
		t.Fatalf("Encrypt: %v", err)
	}

	// A developer may assume roles only once an identity policy allows it.
	_, devSTS, _ := newIAMUser(t, ctx, srv, admin, "dev")
	assume := func(c *sts.Client, role, session string) (*sts.AssumeRoleOutput, error) {
		return c.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String(session)})
	}
	_, err = assume(devSTS, roles["app-role"], "s1")
	if code, msg := apiError(t, err); code != "AccessDenied" ||
		!strings.HasPrefix(msg, "User: arn:aws:iam::"+srv.AccountID+":user/dev is not authorized to perform: sts:AssumeRole on resource: "+roles["app-role"]) {
		t.Fatalf("AssumeRole without an identity policy: %s %s", code, msg)
	}
	pol, err := admin.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("assume-app-roles"), PolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::` + srv.AccountID + `:role/*"}]}`)})
	if err != nil {
		t.Fatalf("CreatePolicy: %v", err)
	}
	if _, err := admin.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("dev"), PolicyArn: pol.Policy.Arn}); err != nil {
		t.Fatalf("AttachUserPolicy: %v", err)
	}
	_, err = assume(devSTS, "arn:aws:iam::"+srv.AccountID+":role/no-such-role", "s1")
	if code, _ := apiError(t, err); code != "AccessDenied" {
		t.Fatalf("AssumeRole of a missing role: %v", err)
	}
	_, err = devSTS.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roles["app-role"]), RoleSessionName: aws.String("s1"), DurationSeconds: aws.Int32(7200)})
	if code, msg := apiError(t, err); code != "ValidationError" || msg != "The requested DurationSeconds exceeds the MaxSessionDuration set for this role." {
		t.Fatalf("AssumeRole beyond MaxSessionDuration: %s %s", code, msg)
	}

	out, err := assume(devSTS, roles["app-role"], "reader")
	if err != nil {
		t.Fatalf("AssumeRole app-role: %v", err)
	}
	c := out.Credentials
	sessionARN := "arn:aws:sts::" + srv.AccountID + ":assumed-role/app-role/reader"
	if id := aws.ToString(c.AccessKeyId); !strings.HasPrefix(id, "ASIA") || len(id) != 20 || len(aws.ToString(c.SecretAccessKey)) != 40 ||
		aws.ToString(c.SessionToken) == "" || c.Expiration == nil || !lasts(clock, *c.Expiration, time.Hour) ||
		aws.ToString(out.AssumedRoleUser.Arn) != sessionARN || !strings.HasSuffix(aws.ToString(out.AssumedRoleUser.AssumedRoleId), ":reader") {
		t.Fatalf("AssumeRole = %+v %+v", out.AssumedRoleUser, c)
	}
	appCfg := sessionConfig(srv, c)
	who, err := sts.NewFromConfig(appCfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(who.Arn) != sessionARN || aws.ToString(who.UserId) != aws.ToString(out.AssumedRoleUser.AssumedRoleId) {
		t.Fatalf("GetCallerIdentity as the session = %+v, %v", who, err)
	}

	// The role the key policy names reads the table and decrypts directly.
	appDDB, appKMS := dynamodb.NewFromConfig(appCfg), kms.NewFromConfig(appCfg)
	got, err := appDDB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: map[string]ddbtypes.AttributeValue{"pk": s("customer-1")}})
	if err != nil || got.Item == nil {
		t.Fatalf("app-role GetItem: %+v, %v", got, err)
	}
	if _, err := appKMS.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob}); err != nil {
		t.Fatalf("app-role Decrypt: %v", err)
	}
	// The role has no IAM permissions besides DynamoDB's.
	if _, err := iam.NewFromConfig(appCfg).ListUsers(ctx, &iam.ListUsersInput{}); err == nil {
		t.Fatal("app-role ListUsers: allowed")
	} else if code, msg := apiError(t, err); code != "AccessDenied" || !strings.HasPrefix(msg, "User: "+sessionARN+" is not authorized to perform: iam:ListUsers") {
		t.Fatalf("app-role ListUsers: %s %s", code, msg)
	}

	// The other role has the same IAM permissions, but the key policy does not name it.
	other, err := assume(devSTS, roles["other-role"], "reader")
	if err != nil {
		t.Fatalf("AssumeRole other-role: %v", err)
	}
	otherARN := "arn:aws:sts::" + srv.AccountID + ":assumed-role/other-role/reader"
	_, err = dynamodb.NewFromConfig(sessionConfig(srv, other.Credentials)).Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(table)})
	requireKMSDenied(t, "other-role Scan", err, otherARN, keyARN)

	events := srv.Audit()
	if n := countEvents(events, func(e audit.Event) bool {
		return e.Name == "GetItem" && e.Identity.Type == "AssumedRole" && e.Identity.ARN == sessionARN && e.ErrorCode == ""
	}); n != 1 {
		t.Errorf("audit: %d GetItem events by the app-role session, want 1", n)
	}

	// A trust policy naming a user admits it without any identity policy.
	_, directSTS, _ := newIAMUser(t, ctx, srv, admin, "direct")
	if _, err := admin.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("direct-role"),
		AssumeRolePolicyDocument: aws.String(trustPolicy("arn:aws:iam::" + srv.AccountID + ":user/direct")), MaxSessionDuration: aws.Int32(7200)}); err != nil {
		t.Fatalf("CreateRole direct-role: %v", err)
	}
	direct, err := directSTS.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + srv.AccountID + ":role/direct-role"),
		RoleSessionName: aws.String("direct-session"), DurationSeconds: aws.Int32(7200)})
	if err != nil || !lasts(clock, *direct.Credentials.Expiration, 2*time.Hour) {
		t.Fatalf("AssumeRole by a user the trust policy names: %+v, %v", direct, err)
	}
	// ...and refuses one it does not, whatever its identity policies.
	_, err = assume(devSTS, "arn:aws:iam::"+srv.AccountID+":role/direct-role", "s2")
	if code, msg := apiError(t, err); code != "AccessDenied" || !strings.HasSuffix(msg, "because no resource-based policy allows the sts:AssumeRole action") {
		t.Fatalf("AssumeRole by a user the trust policy does not name: %s %s", code, msg)
	}
	// Role chaining: a session may assume a role the trust policy admits, for an hour at most.
	if _, err := admin.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("direct-role"),
		PolicyDocument: aws.String(trustPolicy("arn:aws:iam::"+srv.AccountID+":user/direct", roles["app-role"]))}); err != nil {
		t.Fatalf("UpdateAssumeRolePolicy: %v", err)
	}
	chained, err := sts.NewFromConfig(appCfg).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + srv.AccountID + ":role/direct-role"),
		RoleSessionName: aws.String("chain"), DurationSeconds: aws.Int32(7200)})
	if code, msg := apiError(t, err); code != "ValidationError" || !strings.Contains(msg, "role chaining") {
		t.Fatalf("chained AssumeRole for 2 hours: %+v %s %s", chained, code, msg)
	}

	// Session tokens: exactly the one issued, and not after expiry.
	forged := *c
	forged.SessionToken = aws.String("IQoJb3JpZ2luX2VjForged")
	_, err = sts.NewFromConfig(sessionConfig(srv, &forged)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if code, _ := apiError(t, err); code != "InvalidClientTokenId" {
		t.Fatalf("forged session token: %v", err)
	}
	bare := *c
	bare.SessionToken = nil
	_, err = kms.NewFromConfig(sessionConfig(srv, &bare)).ListKeys(ctx, &kms.ListKeysInput{})
	if code, _ := apiError(t, err); code != "UnrecognizedClientException" {
		t.Fatalf("session key without its token: %v", err)
	}
	clock.Advance(time.Hour)
	_, err = sts.NewFromConfig(appCfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if code, msg := apiError(t, err); code != "ExpiredToken" || msg != "The security token included in the request is expired" {
		t.Fatalf("expired session, STS: %s %s", code, msg)
	}
	_, err = appKMS.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob})
	if code, _ := apiError(t, err); code != "ExpiredTokenException" {
		t.Fatalf("expired session, KMS: %v", err)
	}

	// Role administration: GetRole's last use, listings, inline policies, and
	// DeleteRole refused while policies remain.
	gr, err := admin.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("app-role")})
	if err != nil || gr.Role.RoleLastUsed == nil || gr.Role.RoleLastUsed.LastUsedDate == nil || aws.ToString(gr.Role.RoleLastUsed.Region) != srv.Region {
		t.Fatalf("GetRole = %+v, %v", gr, err)
	}
	lr, err := admin.ListRoles(ctx, &iam.ListRolesInput{})
	if err != nil || len(lr.Roles) != 3 || aws.ToString(lr.Roles[0].RoleName) != "app-role" || aws.ToString(lr.Roles[2].RoleName) != "other-role" {
		t.Fatalf("ListRoles = %+v, %v", lr, err)
	}
	inline := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}]}`
	if _, err := admin.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("app-role"), PolicyName: aws.String("list-users"), PolicyDocument: aws.String(inline)}); err != nil {
		t.Fatalf("PutRolePolicy: %v", err)
	}
	fresh, err := assume(devSTS, roles["app-role"], "fresh")
	if err != nil {
		t.Fatalf("AssumeRole again: %v", err)
	}
	if _, err := iam.NewFromConfig(sessionConfig(srv, fresh.Credentials)).ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatalf("ListUsers with the role's inline policy: %v", err)
	}
	rp, err := admin.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("app-role"), PolicyName: aws.String("list-users")})
	if err != nil || aws.ToString(rp.RoleName) != "app-role" {
		t.Fatalf("GetRolePolicy = %+v, %v", rp, err)
	}
	if doc, _ := url.QueryUnescape(aws.ToString(rp.PolicyDocument)); doc != inline {
		t.Fatalf("GetRolePolicy document = %q", doc)
	}
	names, err := admin.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String("app-role")})
	if err != nil || len(names.PolicyNames) != 1 {
		t.Fatalf("ListRolePolicies = %+v, %v", names, err)
	}
	att, err := admin.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("app-role")})
	if err != nil || len(att.AttachedPolicies) != 1 || aws.ToString(att.AttachedPolicies[0].PolicyName) != "AmazonDynamoDBFullAccess" {
		t.Fatalf("ListAttachedRolePolicies = %+v, %v", att, err)
	}
	ents, err := admin.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"),
		EntityFilter: iamtypes.EntityTypeRole})
	if err != nil || len(ents.PolicyRoles) != 2 || len(ents.PolicyUsers) != 0 {
		t.Fatalf("ListEntitiesForPolicy Role = %+v, %v", ents, err)
	}

	var conflict *iamtypes.DeleteConflictException
	_, err = admin.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("app-role")})
	if !errors.As(err, &conflict) || conflict.ErrorMessage() != "Cannot delete entity, must detach all policies first." {
		t.Fatalf("DeleteRole with attached policies: %v", err)
	}
	if _, err := admin.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String("app-role"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess")}); err != nil {
		t.Fatalf("DetachRolePolicy: %v", err)
	}
	_, err = admin.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("app-role")})
	if !errors.As(err, &conflict) || conflict.ErrorMessage() != "Cannot delete entity, must delete policies first." {
		t.Fatalf("DeleteRole with inline policies: %v", err)
	}
	if _, err := admin.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String("app-role"), PolicyName: aws.String("list-users")}); err != nil {
		t.Fatalf("DeleteRolePolicy: %v", err)
	}
	if _, err := admin.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("app-role")}); err != nil {
		t.Fatalf("DeleteRole: %v", err)
	}
	// A session outlives nothing: with its role gone it no longer authenticates.
	_, err = sts.NewFromConfig(sessionConfig(srv, fresh.Credentials)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if code, _ := apiError(t, err); code != "InvalidClientTokenId" {
		t.Fatalf("session of a deleted role: %v", err)
	}
	_, err = admin.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("app-role")})
	var missing *iamtypes.NoSuchEntityException
	if !errors.As(err, &missing) || missing.ErrorMessage() != "The role with name app-role cannot be found." {
		t.Fatalf("GetRole after DeleteRole: %v", err)
	}
}

// TestIAMGroupsOverTheWire: a group's attached and inline policies apply to
// its members, and the conflicts that guard deletion.
func TestIAMGroupsOverTheWire(t *testing.T) {
	ctx := context.Background()
	srv := startSim(t, sim.Options{})
	admin, _ := iamClients(srv, srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey)
	member, _, _ := newIAMUser(t, ctx, srv, admin, "member")

	created, err := admin.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("readers"), Path: aws.String("/kmslab/")})
	if err != nil {
		t.Fatalf("CreateGroup: %v", err)
	}
	g := created.Group
	if aws.ToString(g.Arn) != "arn:aws:iam::"+srv.AccountID+":group/kmslab/readers" || !strings.HasPrefix(aws.ToString(g.GroupId), "AGPA") || g.CreateDate == nil {
		t.Fatalf("CreateGroup = %+v", g)
	}
	_, err = admin.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("Readers")})
	var exists *iamtypes.EntityAlreadyExistsException
	if !errors.As(err, &exists) || exists.ErrorMessage() != "Group with name Readers already exists." {
		t.Fatalf("CreateGroup with a taken name: %v", err)
	}
	listUsers := func() error {
		_, err := member.ListUsers(ctx, &iam.ListUsersInput{})
		return err
	}
	if listUsers() == nil {
		t.Fatal("member ListUsers before joining: allowed")
	}

	pol, err := admin.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("list-users"), PolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:ListUsers","iam:GetGroup"],"Resource":"*"}]}`)})
	if err != nil {
		t.Fatalf("CreatePolicy: %v", err)
	}
	if _, err := admin.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("readers"), PolicyArn: pol.Policy.Arn}); err != nil {
		t.Fatalf("AttachGroupPolicy: %v", err)
	}
	if listUsers() == nil {
		t.Fatal("member ListUsers with the policy on a group it is not in: allowed")
	}
	if _, err := admin.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("readers"), UserName: aws.String("member")}); err != nil {
		t.Fatalf("AddUserToGroup: %v", err)
	}
	if err := listUsers(); err != nil {
		t.Fatalf("member ListUsers through the group: %v", err)
	}

	// An inline deny on the group wins over the managed allow.
	deny := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:ListUsers","Resource":"*"}]}`
	if _, err := admin.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String("readers"), PolicyName: aws.String("no-listing"), PolicyDocument: aws.String(deny)}); err != nil {
		t.Fatalf("PutGroupPolicy: %v", err)
	}
	if code, msg := apiError(t, listUsers()); code != "AccessDenied" || !strings.HasSuffix(msg, "with an explicit deny in an identity-based policy") {
		t.Fatalf("member ListUsers with the group's deny: %s %s", code, msg)
	}
	gp, err := admin.GetGroupPolicy(ctx, &iam.GetGroupPolicyInput{GroupName: aws.String("readers"), PolicyName: aws.String("no-listing")})
	if err != nil || aws.ToString(gp.GroupName) != "readers" {
		t.Fatalf("GetGroupPolicy = %+v, %v", gp, err)
	}
	if doc, _ := url.QueryUnescape(aws.ToString(gp.PolicyDocument)); doc != deny {
		t.Fatalf("GetGroupPolicy document = %q", doc)
	}
	_, err = admin.GetGroupPolicy(ctx, &iam.GetGroupPolicyInput{GroupName: aws.String("readers"), PolicyName: aws.String("nope")})
	var missing *iamtypes.NoSuchEntityException
	if !errors.As(err, &missing) || missing.ErrorMessage() != "The group policy with name nope cannot be found." {
		t.Fatalf("GetGroupPolicy of a missing policy: %v", err)
	}
	lp, err := admin.ListGroupPolicies(ctx, &iam.ListGroupPoliciesInput{GroupName: aws.String("readers")})
	if err != nil || len(lp.PolicyNames) != 1 || lp.PolicyNames[0] != "no-listing" {
		t.Fatalf("ListGroupPolicies = %+v, %v", lp, err)
	}
	la, err := admin.ListAttachedGroupPolicies(ctx, &iam.ListAttachedGroupPoliciesInput{GroupName: aws.String("readers")})
	if err != nil || len(la.AttachedPolicies) != 1 || aws.ToString(la.AttachedPolicies[0].PolicyArn) != aws.ToString(pol.Policy.Arn) {
		t.Fatalf("ListAttachedGroupPolicies = %+v, %v", la, err)
	}
	if _, err := admin.DeleteGroupPolicy(ctx, &iam.DeleteGroupPolicyInput{GroupName: aws.String("readers"), PolicyName: aws.String("no-listing")}); err != nil {
		t.Fatalf("DeleteGroupPolicy: %v", err)
	}
	if err := listUsers(); err != nil {
		t.Fatalf("member ListUsers after the deny is gone: %v", err)
	}

	gg, err := member.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String("readers")})
	if err != nil || len(gg.Users) != 1 || aws.ToString(gg.Users[0].UserName) != "member" || aws.ToString(gg.Group.GroupName) != "readers" {
		t.Fatalf("GetGroup = %+v, %v", gg, err)
	}
	lg, err := admin.ListGroups(ctx, &iam.ListGroupsInput{PathPrefix: aws.String("/kmslab/")})
	if err != nil || len(lg.Groups) != 1 {
		t.Fatalf("ListGroups = %+v, %v", lg, err)
	}
	gfu, err := admin.ListGroupsForUser(ctx, &iam.ListGroupsForUserInput{UserName: aws.String("member")})
	if err != nil || len(gfu.Groups) != 1 || aws.ToString(gfu.Groups[0].GroupName) != "readers" {
		t.Fatalf("ListGroupsForUser = %+v, %v", gfu, err)
	}
	ents, err := admin.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: pol.Policy.Arn})
	if err != nil || len(ents.PolicyGroups) != 1 || aws.ToString(ents.PolicyGroups[0].GroupName) != "readers" {
		t.Fatalf("ListEntitiesForPolicy = %+v, %v", ents, err)
	}

	var conflict *iamtypes.DeleteConflictException
	_, err = admin.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String("readers")})
	if !errors.As(err, &conflict) || conflict.ErrorMessage() != "Cannot delete entity, must remove users from group first." {
		t.Fatalf("DeleteGroup with members: %v", err)
	}
	if _, err := admin.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{GroupName: aws.String("readers"), UserName: aws.String("member")}); err != nil {
		t.Fatalf("RemoveUserFromGroup: %v", err)
	}
	if listUsers() == nil {
		t.Fatal("member ListUsers after leaving the group: allowed")
	}
	_, err = admin.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String("readers")})
	if !errors.As(err, &conflict) || conflict.ErrorMessage() != "Cannot delete entity, must detach all policies first." {
		t.Fatalf("DeleteGroup with a policy: %v", err)
	}
	if _, err := admin.DetachGroupPolicy(ctx, &iam.DetachGroupPolicyInput{GroupName: aws.String("readers"), PolicyArn: pol.Policy.Arn}); err != nil {
		t.Fatalf("DetachGroupPolicy: %v", err)
	}
	if _, err := admin.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String("readers")}); err != nil {
		t.Fatalf("DeleteGroup: %v", err)
	}
	_, err = admin.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String("readers")})
	if !errors.As(err, &missing) || missing.ErrorMessage() != "The group with name readers cannot be found." {
		t.Fatalf("GetGroup after DeleteGroup: %v", err)
	}
}
