package sim_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"

	"kmslab/internal/simtest"
	"kmslab/sim"
)

// TestDataDirRestartGroupsRolesSessions: after a restart of the offline AWS
// on the same data dir, a group's membership and policies still decide what
// its member may do, a role is still there with its trust policy, policies,
// tags and session limit, and a role session issued before the restart
// still authenticates and acts as the role until it expires; an expired one
// is refused.
func TestDataDirRestartGroupsRolesSessions(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data")
	clock := simtest.NewClock(time.Now().UTC())
	srv1, err := sim.Start(ctx, sim.Options{DataDir: dir, Clock: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	acct := srv1.AccountID
	admin, _ := iamClients(srv1, srv1.Admin.AccessKeyID, srv1.Admin.SecretAccessKey)

	// A user with no policies of its own gets all it may do from a group:
	// an attached managed policy and an inline one.
	_, key := simtest.CreateUser(ctx, t, admin, simtest.User{Name: "member"})
	steps := []func() error{
		func() error {
			_, err := admin.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("devs")})
			return err
		},
		func() error {
			_, err := admin.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("devs"), UserName: aws.String("member")})
			return err
		},
		func() error {
			_, err := admin.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("devs"),
				PolicyArn: aws.String("arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess")})
			return err
		},
		func() error {
			_, err := admin.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String("devs"), PolicyName: aws.String("assume"),
				PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:AssumeRole","iam:ListRoles"],"Resource":"*"}]}`)})
			return err
		},
		// A role the account trusts, with DynamoDB and kms:ListKeys.
		func() error {
			_, err := admin.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("app"), AssumeRolePolicyDocument: aws.String(trustPolicy("arn:aws:iam::" + acct + ":root")),
				Description: aws.String("restart"), MaxSessionDuration: aws.Int32(7200), Path: aws.String("/lab/")})
			return err
		},
		func() error {
			_, err := admin.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("app"),
				PolicyArn: aws.String("arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess")})
			return err
		},
		func() error {
			_, err := admin.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("app"), PolicyName: aws.String("list-keys"),
				PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:ListKeys","Resource":"*"}]}`)})
			return err
		},
		func() error {
			_, err := admin.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String("app"), Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("lab")}}})
			return err
		},
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("setup step %d: %v", i, err)
		}
	}
	roleARN := "arn:aws:iam::" + acct + ":role/lab/app"
	_, memberSTS := iamClients(srv1, *key.AccessKeyId, *key.SecretAccessKey)
	assume := func(c *sts.Client, session string, seconds int32) *ststypes.Credentials {
		t.Helper()
		out, err := c.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String(session), DurationSeconds: aws.Int32(seconds)})
		if err != nil {
			t.Fatalf("AssumeRole %s: %v", session, err)
		}
		return out.Credentials
	}
	long := assume(memberSTS, "long", 7200)
	short := assume(memberSTS, "short", 900)
	if err := srv1.Close(); err != nil {
		t.Fatal(err)
	}

	clock.Advance(20 * time.Minute) // the short session is over, the long one is not
	srv2 := startSim(t, sim.Options{DataDir: dir, Clock: clock.Now})
	admin2, _ := iamClients(srv2, srv2.Admin.AccessKeyID, srv2.Admin.SecretAccessKey)

	// The group decides for its member: what it grants works, nothing else does.
	memberCfg := sdkConfig(srv2, *key.AccessKeyId, *key.SecretAccessKey)
	memberIAM, memberSTS2 := iamClients(srv2, *key.AccessKeyId, *key.SecretAccessKey)
	if _, err := dynamodb.NewFromConfig(memberCfg).ListTables(ctx, &dynamodb.ListTablesInput{}); err != nil {
		t.Errorf("member ListTables (group's managed policy) after restart: %v", err)
	}
	if _, err := memberIAM.ListRoles(ctx, &iam.ListRolesInput{}); err != nil {
		t.Errorf("member ListRoles (group's inline policy) after restart: %v", err)
	}
	if _, err := memberIAM.ListUsers(ctx, &iam.ListUsersInput{}); err == nil {
		t.Error("member ListUsers after restart: allowed, no policy grants it")
	} else if code, _ := apiError(t, err); code != "AccessDenied" {
		t.Errorf("member ListUsers after restart: %v", err)
	}
	grp, err := admin2.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String("devs")})
	if err != nil || len(grp.Users) != 1 || aws.ToString(grp.Users[0].UserName) != "member" {
		t.Errorf("GetGroup after restart: %+v, %v", grp, err)
	}

	// The role is there as it was.
	role, err := admin2.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("app")})
	if err != nil {
		t.Fatalf("GetRole after restart: %v", err)
	}
	r := role.Role
	if aws.ToString(r.Arn) != roleARN || aws.ToInt32(r.MaxSessionDuration) != 7200 || aws.ToString(r.Description) != "restart" ||
		len(r.Tags) != 1 || aws.ToString(r.Tags[0].Key) != "team" || r.RoleLastUsed == nil {
		t.Errorf("GetRole after restart: %+v", r)
	}
	if att, err := admin2.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("app")}); err != nil ||
		len(att.AttachedPolicies) != 1 || aws.ToString(att.AttachedPolicies[0].PolicyName) != "AmazonDynamoDBFullAccess" {
		t.Errorf("ListAttachedRolePolicies after restart: %+v, %v", att, err)
	}

	// The long session still is the role, with the role's policies.
	sessionARN := "arn:aws:sts::" + acct + ":assumed-role/app/long"
	longCfg := sessionConfig(srv2, long)
	who, err := sts.NewFromConfig(longCfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(who.Arn) != sessionARN {
		t.Fatalf("GetCallerIdentity with a session from before the restart: %+v, %v", who, err)
	}
	if _, err := dynamodb.NewFromConfig(longCfg).ListTables(ctx, &dynamodb.ListTablesInput{}); err != nil {
		t.Errorf("session ListTables (role's managed policy) after restart: %v", err)
	}
	if _, err := kms.NewFromConfig(longCfg).ListKeys(ctx, &kms.ListKeysInput{}); err != nil {
		t.Errorf("session ListKeys (role's inline policy) after restart: %v", err)
	}
	if _, err := iam.NewFromConfig(longCfg).ListUsers(ctx, &iam.ListUsersInput{}); err == nil {
		t.Error("session ListUsers after restart: allowed, the role has no IAM permissions")
	} else if code, msg := apiError(t, err); code != "AccessDenied" || !strings.HasPrefix(msg, "User: "+sessionARN+" ") {
		t.Errorf("session ListUsers after restart: %s %s", code, msg)
	}

	// The short one expired while the server was down.
	_, err = sts.NewFromConfig(sessionConfig(srv2, short)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if code, _ := apiError(t, err); code != "ExpiredToken" {
		t.Errorf("GetCallerIdentity with an expired session after restart: %v", err)
	}
	// ...and the long one expires in its time, restart or not.
	clock.Advance(2 * time.Hour)
	_, err = sts.NewFromConfig(longCfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if code, _ := apiError(t, err); code != "ExpiredToken" {
		t.Errorf("GetCallerIdentity with the long session past its expiry: %v", err)
	}
	// The group still admits its member to the role.
	assume(memberSTS2, "again", 900)
}
