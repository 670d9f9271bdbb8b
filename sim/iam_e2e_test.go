package sim_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"kmslab/internal/simtest"
	"kmslab/sim"
	"kmslab/sim/audit"
)

// iamClients returns IAM and STS clients signing with the given key.
func iamClients(srv *sim.Server, id, secret string) (*iam.Client, *sts.Client) {
	cfg := sdkConfig(srv, id, secret)
	return iam.NewFromConfig(cfg), sts.NewFromConfig(cfg)
}

// newIAMUser creates a user with the given managed policies and an access key, returning its clients.
func newIAMUser(t *testing.T, ctx context.Context, srv *sim.Server, admin *iam.Client, name string, policies ...string) (*iam.Client, *sts.Client, string) {
	t.Helper()
	_, key := simtest.CreateUser(ctx, t, admin, simtest.User{Name: name, Managed: policies})
	i, s := iamClients(srv, *key.AccessKeyId, *key.SecretAccessKey)
	return i, s, *key.AccessKeyId
}

func TestIAMUserLifecycleOverTheWire(t *testing.T) {
	ctx := context.Background()
	srv := startSim(t, sim.Options{})
	admin, _ := iamClients(srv, srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey)
	const name = "kmslab-user-e2e"

	created, err := admin.CreateUser(ctx, &iam.CreateUserInput{
		UserName: aws.String(name), Path: aws.String("/kmslab/"),
		Tags: []iamtypes.Tag{{Key: aws.String("kmslab:run"), Value: aws.String("e2e")}},
	})
	if err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	u := created.User
	wantARN := "arn:aws:iam::" + srv.AccountID + ":user/kmslab/" + name
	if aws.ToString(u.Arn) != wantARN || !strings.HasPrefix(aws.ToString(u.UserId), "AIDA") || len(aws.ToString(u.UserId)) != 21 ||
		u.CreateDate == nil || time.Since(*u.CreateDate) > time.Minute || len(u.Tags) != 1 {
		t.Fatalf("CreateUser = %+v", u)
	}

	_, err = admin.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)})
	var exists *iamtypes.EntityAlreadyExistsException
	if !errors.As(err, &exists) || exists.ErrorMessage() != "User with name "+name+" already exists." {
		t.Fatalf("second CreateUser: %v, want EntityAlreadyExistsException", err)
	}

	got, err := admin.GetUser(ctx, &iam.GetUserInput{UserName: aws.String(name)})
	if err != nil || aws.ToString(got.User.Arn) != wantARN || aws.ToString(got.User.Path) != "/kmslab/" {
		t.Fatalf("GetUser = %+v, %v", got, err)
	}
	list, err := admin.ListUsers(ctx, &iam.ListUsersInput{PathPrefix: aws.String("/kmslab/")})
	if err != nil || len(list.Users) != 1 || aws.ToString(list.Users[0].UserName) != name || list.IsTruncated {
		t.Fatalf("ListUsers = %+v, %v", list, err)
	}
	var names []string
	for p := iam.NewListUsersPaginator(admin, &iam.ListUsersInput{MaxItems: aws.Int32(1)}); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatalf("ListUsers page: %v", err)
		}
		for _, u := range page.Users {
			names = append(names, aws.ToString(u.UserName))
		}
	}
	if strings.Join(names, ",") != name+",lab-admin" {
		t.Errorf("paginated ListUsers = %v", names)
	}

	if _, err := admin.TagUser(ctx, &iam.TagUserInput{UserName: aws.String(name), Tags: []iamtypes.Tag{{Key: aws.String("owner"), Value: aws.String("me")}}}); err != nil {
		t.Fatalf("TagUser: %v", err)
	}
	tags, err := admin.ListUserTags(ctx, &iam.ListUserTagsInput{UserName: aws.String(name)})
	if err != nil || len(tags.Tags) != 2 || aws.ToString(tags.Tags[1].Key) != "owner" {
		t.Fatalf("ListUserTags = %+v, %v", tags, err)
	}
	if _, err := admin.UntagUser(ctx, &iam.UntagUserInput{UserName: aws.String(name), TagKeys: []string{"owner"}}); err != nil {
		t.Fatalf("UntagUser: %v", err)
	}

	ddbFull := "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"
	if _, err := admin.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String(name), PolicyArn: aws.String(ddbFull)}); err != nil {
		t.Fatalf("AttachUserPolicy: %v", err)
	}
	_, err = admin.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String(name), PolicyArn: aws.String("arn:aws:iam::aws:policy/NoSuchPolicy")})
	var noSuch *iamtypes.NoSuchEntityException
	if !errors.As(err, &noSuch) || noSuch.ErrorMessage() != "Policy arn:aws:iam::aws:policy/NoSuchPolicy does not exist or is not attachable." {
		t.Fatalf("AttachUserPolicy unknown: %v", err)
	}
	attached, err := admin.ListAttachedUserPolicies(ctx, &iam.ListAttachedUserPoliciesInput{UserName: aws.String(name)})
	if err != nil || len(attached.AttachedPolicies) != 1 || aws.ToString(attached.AttachedPolicies[0].PolicyArn) != ddbFull {
		t.Fatalf("ListAttachedUserPolicies = %+v, %v", attached, err)
	}

	doc := `{"Version": "2012-10-17", "Statement": [{"Sid": "ReadTable", "Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"}]}`
	if _, err := admin.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("inline"), PolicyDocument: aws.String(doc)}); err != nil {
		t.Fatalf("PutUserPolicy: %v", err)
	}
	_, err = admin.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("bad"), PolicyDocument: aws.String(`{"Statement":`)})
	var malformed *iamtypes.MalformedPolicyDocumentException
	if !errors.As(err, &malformed) {
		t.Fatalf("PutUserPolicy malformed: %v", err)
	}
	gp, err := admin.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("inline")})
	if err != nil {
		t.Fatalf("GetUserPolicy: %v", err)
	}
	if decoded, err := url.QueryUnescape(aws.ToString(gp.PolicyDocument)); err != nil || decoded != doc {
		t.Fatalf("GetUserPolicy document = %q (%v), want %q URL-encoded", aws.ToString(gp.PolicyDocument), err, doc)
	}
	pols, err := admin.ListUserPolicies(ctx, &iam.ListUserPoliciesInput{UserName: aws.String(name)})
	if err != nil || len(pols.PolicyNames) != 1 || pols.PolicyNames[0] != "inline" {
		t.Fatalf("ListUserPolicies = %+v, %v", pols, err)
	}

	k1, err := admin.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	if err != nil || !strings.HasPrefix(aws.ToString(k1.AccessKey.AccessKeyId), "AKIA") || len(aws.ToString(k1.AccessKey.SecretAccessKey)) != 40 ||
		k1.AccessKey.Status != iamtypes.StatusTypeActive {
		t.Fatalf("CreateAccessKey = %+v, %v", k1, err)
	}
	if _, err := admin.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)}); err != nil {
		t.Fatalf("second CreateAccessKey: %v", err)
	}
	_, err = admin.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	var limit *iamtypes.LimitExceededException
	if !errors.As(err, &limit) || limit.ErrorMessage() != "Cannot exceed quota for AccessKeysPerUser: 2" {
		t.Fatalf("third CreateAccessKey: %v, want LimitExceededException", err)
	}
	// A quota is not a throttle: the SDK must not have retried it.
	if n := countIAMEvents(srv.Audit(), "CreateAccessKey", "LimitExceeded"); n != 1 {
		t.Errorf("LimitExceeded answered %d times, want 1 (no retries)", n)
	}

	// DeleteUser refuses while keys, attached and inline policies remain, in that order.
	keys, err := admin.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String(name)})
	if err != nil || len(keys.AccessKeyMetadata) != 2 {
		t.Fatalf("ListAccessKeys = %+v, %v", keys, err)
	}
	cleanup := []struct {
		msg  string
		undo func() error
	}{
		{"Cannot delete entity, must delete access keys first.", func() error {
			for _, k := range keys.AccessKeyMetadata {
				if _, err := admin.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String(name), AccessKeyId: k.AccessKeyId}); err != nil {
					return err
				}
			}
			return nil
		}},
		{"Cannot delete entity, must detach all policies first.", func() error {
			_, err := admin.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: aws.String(name), PolicyArn: aws.String(ddbFull)})
			return err
		}},
		{"Cannot delete entity, must delete policies first.", func() error {
			_, err := admin.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("inline")})
			return err
		}},
	}
	for _, c := range cleanup {
		_, err := admin.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String(name)})
		var conflict *iamtypes.DeleteConflictException
		if !errors.As(err, &conflict) || conflict.ErrorMessage() != c.msg {
			t.Fatalf("DeleteUser: %v, want DeleteConflictException %q", err, c.msg)
		}
		if err := c.undo(); err != nil {
			t.Fatalf("cleanup before %q: %v", c.msg, err)
		}
	}
	if _, err := admin.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String(name)}); err != nil {
		t.Fatalf("DeleteUser: %v", err)
	}
	_, err = admin.GetUser(ctx, &iam.GetUserInput{UserName: aws.String(name)})
	if !errors.As(err, &noSuch) || noSuch.ErrorMessage() != "The user with name "+name+" cannot be found." {
		t.Fatalf("GetUser after delete: %v, want NoSuchEntityException", err)
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) && apiErr.ErrorFault() != smithy.FaultClient {
		t.Errorf("NoSuchEntity fault = %v, want client", apiErr.ErrorFault())
	}

	_, err = admin.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("not valid!")})
	if code, msg := awsErr(t, "CreateUser invalid name", err); code != "ValidationError" ||
		msg != `1 validation error detected: Value 'not valid!' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+` {
		t.Errorf("CreateUser invalid name = %s %q", code, msg)
	}
}

func countIAMEvents(events []audit.Event, name, code string) int {
	n := 0
	for _, e := range events {
		if e.Source == "iam.amazonaws.com" && e.Name == name && e.ErrorCode == code {
			n++
		}
	}
	return n
}

func TestIAMAccessDeniedAndCallerIdentity(t *testing.T) {
	ctx := context.Background()
	srv := startSim(t, sim.Options{})
	admin, adminSTS := iamClients(srv, srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey)
	ddbIAM, ddbSTS, ddbKey := newIAMUser(t, ctx, srv, admin, "ddb-user", "AmazonDynamoDBFullAccess")

	who, err := adminSTS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(who.Arn) != srv.AdminARN || aws.ToString(who.Account) != srv.AccountID || !strings.HasPrefix(aws.ToString(who.UserId), "AIDA") {
		t.Fatalf("admin GetCallerIdentity = %+v, %v", who, err)
	}
	userARN := "arn:aws:iam::" + srv.AccountID + ":user/ddb-user"
	who, err = ddbSTS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(who.Arn) != userARN || aws.ToString(who.Account) != srv.AccountID {
		t.Fatalf("ddb-user GetCallerIdentity = %+v, %v", who, err)
	}

	_, err = ddbIAM.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("sneaky")})
	code, msg := awsErr(t, "CreateUser as ddb-user", err)
	want := "User: " + userARN + " is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::" + srv.AccountID +
		":user/sneaky because no identity-based policy allows the iam:CreateUser action"
	if code != "AccessDenied" || msg != want {
		t.Fatalf("CreateUser as ddb-user = %s %q,\nwant AccessDenied %q", code, msg, want)
	}
	if _, err := admin.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("sneaky")}); err == nil {
		t.Fatal("denied CreateUser created the user")
	}

	// GetUser without a name describes the caller, which itself needs iam:GetUser.
	_, err = ddbIAM.GetUser(ctx, &iam.GetUserInput{})
	if code, _ := awsErr(t, "GetUser as ddb-user", err); code != "AccessDenied" {
		t.Errorf("GetUser as ddb-user = %s, want AccessDenied", code)
	}
	me, err := admin.GetUser(ctx, &iam.GetUserInput{})
	if err != nil || aws.ToString(me.User.Arn) != srv.AdminARN {
		t.Fatalf("admin GetUser = %+v, %v", me, err)
	}

	// An inactive key stops authenticating at once; reactivated, it works again.
	if _, err := admin.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("ddb-user"), AccessKeyId: aws.String(ddbKey), Status: iamtypes.StatusTypeInactive}); err != nil {
		t.Fatalf("UpdateAccessKey: %v", err)
	}
	_, err = ddbSTS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if code, _ := awsErr(t, "inactive key", err); code != "InvalidClientTokenId" {
		t.Errorf("inactive key = %s, want InvalidClientTokenId", code)
	}
	if _, err := admin.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("ddb-user"), AccessKeyId: aws.String(ddbKey), Status: iamtypes.StatusTypeActive}); err != nil {
		t.Fatalf("UpdateAccessKey: %v", err)
	}
	if _, err := ddbSTS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Errorf("reactivated key: %v", err)
	}
}

func TestIAMAuthFailures(t *testing.T) {
	ctx := context.Background()
	srv := startSim(t, sim.Options{})
	tests := []struct {
		name, id, secret, code string
	}{
		{"wrong secret", srv.Admin.AccessKeyID, strings.Repeat("x", 40), "SignatureDoesNotMatch"},
		{"unknown key", "AKIAUNKNOWNUNKNOWN00", srv.Admin.SecretAccessKey, "InvalidClientTokenId"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			i, s := iamClients(srv, tt.id, tt.secret)
			_, err := i.ListUsers(ctx, &iam.ListUsersInput{})
			if code, _ := awsErr(t, "iam ListUsers", err); code != tt.code {
				t.Errorf("IAM: %s, want %s", code, tt.code)
			}
			_, err = s.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			if code, _ := awsErr(t, "sts GetCallerIdentity", err); code != tt.code {
				t.Errorf("STS: %s, want %s", code, tt.code)
			}
		})
	}
}

func TestIAMAccessKeyDelay(t *testing.T) {
	ctx := context.Background()
	clock := simtest.NewClock(time.Now())
	srv := startSim(t, sim.Options{Clock: clock.Now, AccessKeyDelay: 8 * time.Second})
	admin, _ := iamClients(srv, srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey)
	_, userSTS, _ := newIAMUser(t, ctx, srv, admin, "slow-user")

	_, err := userSTS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if code, _ := awsErr(t, "fresh key", err); code != "InvalidClientTokenId" {
		t.Fatalf("fresh key = %s, want InvalidClientTokenId until it propagates", code)
	}
	clock.Advance(7 * time.Second)
	if _, err := userSTS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err == nil {
		t.Fatal("key usable 1s before AccessKeyDelay")
	}
	clock.Advance(time.Second)
	who, err := userSTS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || !strings.HasSuffix(aws.ToString(who.Arn), ":user/slow-user") {
		t.Fatalf("propagated key: %+v, %v", who, err)
	}
}

func TestIAMManagedPoliciesOverTheWire(t *testing.T) {
	ctx := context.Background()
	srv := startSim(t, sim.Options{})
	admin, _ := iamClients(srv, srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey)
	arn := "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"
	p, err := admin.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
	if err != nil || aws.ToString(p.Policy.PolicyName) != "AmazonDynamoDBFullAccess" || aws.ToString(p.Policy.Path) != "/" ||
		aws.ToString(p.Policy.DefaultVersionId) != "v15" || !p.Policy.IsAttachable || !strings.HasPrefix(aws.ToString(p.Policy.PolicyId), "ANPA") {
		t.Fatalf("GetPolicy = %+v, %v", p, err)
	}
	v, err := admin.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: p.Policy.DefaultVersionId})
	if err != nil || !v.PolicyVersion.IsDefaultVersion {
		t.Fatalf("GetPolicyVersion = %+v, %v", v, err)
	}
	doc, err := url.QueryUnescape(aws.ToString(v.PolicyVersion.Document))
	if err != nil || !strings.Contains(doc, `"dynamodb:*"`) || !strings.Contains(doc, `"kms:DescribeKey"`) || strings.Contains(doc, "kms:Decrypt") {
		t.Fatalf("AmazonDynamoDBFullAccess document = %q, %v", doc, err)
	}
	attached, err := admin.ListPolicies(ctx, &iam.ListPoliciesInput{OnlyAttached: true, Scope: iamtypes.PolicyScopeTypeAws})
	if err != nil || len(attached.Policies) != 1 || aws.ToString(attached.Policies[0].PolicyName) != "AdministratorAccess" ||
		aws.ToInt32(attached.Policies[0].AttachmentCount) != 1 {
		t.Fatalf("ListPolicies OnlyAttached = %+v, %v", attached, err)
	}
	_, err = admin.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/Nope")})
	var noSuch *iamtypes.NoSuchEntityException
	if !errors.As(err, &noSuch) {
		t.Fatalf("GetPolicy unknown: %v, want NoSuchEntityException", err)
	}
}

func TestIAMSimulatePrincipalPolicyOverTheWire(t *testing.T) {
	ctx := context.Background()
	srv := startSim(t, sim.Options{})
	admin, _ := iamClients(srv, srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey)
	newIAMUser(t, ctx, srv, admin, "ddb-user", "AmazonDynamoDBFullAccess")
	userARN := "arn:aws:iam::" + srv.AccountID + ":user/ddb-user"
	keyARN := "arn:aws:kms:" + srv.Region + ":" + srv.AccountID + ":key/1234abcd-12ab-34cd-56ef-1234567890ab"

	decisions := func(policyJSON string) map[string]iamtypes.EvaluationResult {
		t.Helper()
		out, err := admin.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{
			PolicySourceArn: aws.String(userARN),
			ActionNames:     []string{"dynamodb:Scan", "kms:Decrypt", "kms:DescribeKey"},
			ResourceArns:    []string{keyARN},
			ResourcePolicy:  aws.String(policyJSON),
		})
		if err != nil {
			t.Fatalf("SimulatePrincipalPolicy: %v", err)
		}
		m := map[string]iamtypes.EvaluationResult{}
		for _, r := range out.EvaluationResults {
			m[aws.ToString(r.EvalActionName)] = r
		}
		return m
	}

	// The admin-only key policy: the DynamoDB user may describe the key (IAM
	// allows it and the root statement delegates to IAM) but not decrypt.
	before := decisions(consolePolicy(srv.AccountID, srv.AdminARN, srv.AdminARN))
	if d := before["kms:Decrypt"].EvalDecision; d != iamtypes.PolicyEvaluationDecisionTypeImplicitDeny {
		t.Errorf("kms:Decrypt before = %s, want implicitDeny", d)
	}
	if d := before["kms:DescribeKey"].EvalDecision; d != iamtypes.PolicyEvaluationDecisionTypeAllowed {
		t.Errorf("kms:DescribeKey before = %s, want allowed", d)
	}
	scan := before["dynamodb:Scan"]
	if scan.EvalDecision != iamtypes.PolicyEvaluationDecisionTypeAllowed || len(scan.MatchedStatements) != 1 ||
		aws.ToString(scan.MatchedStatements[0].SourcePolicyId) != "AmazonDynamoDBFullAccess" ||
		scan.MatchedStatements[0].SourcePolicyType != iamtypes.PolicySourceTypeAwsManaged || scan.MatchedStatements[0].StartPosition == nil {
		t.Errorf("dynamodb:Scan = %+v", scan)
	}
	if len(scan.ResourceSpecificResults) != 1 || aws.ToString(scan.ResourceSpecificResults[0].EvalResourceName) != keyARN {
		t.Errorf("ResourceSpecificResults = %+v", scan.ResourceSpecificResults)
	}

	// Once the key policy names the user, Decrypt is allowed by the key policy itself.
	after := decisions(consolePolicy(srv.AccountID, srv.AdminARN, userARN))
	dec := after["kms:Decrypt"]
	if dec.EvalDecision != iamtypes.PolicyEvaluationDecisionTypeAllowed || len(dec.MatchedStatements) == 0 ||
		dec.MatchedStatements[0].SourcePolicyType != iamtypes.PolicySourceTypeResource {
		t.Errorf("kms:Decrypt after = %+v", dec)
	}

	_, err := admin.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{
		PolicySourceArn: aws.String("arn:aws:iam::" + srv.AccountID + ":user/ghost"), ActionNames: []string{"s3:GetObject"},
	})
	var noSuch *iamtypes.NoSuchEntityException
	if !errors.As(err, &noSuch) {
		t.Errorf("simulate unknown user: %v, want NoSuchEntityException", err)
	}
}
