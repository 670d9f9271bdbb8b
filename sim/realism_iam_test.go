package sim_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"kmslab/internal/simtest"
	"kmslab/sim"
)

// TestRealismIAM: with realism, an IAM write reaches IAM's reads, the
// sign-in of a new access key and every authorization only after its delay;
// a write naming what another just created may answer NoSuchEntity, a
// delete right after its dependents went DeleteConflict, and lists lag
// behind deletes. Without realism each change counts at once.
func TestRealismIAM(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const lag = 20 * time.Second
	for _, realistic := range []bool{true, false} {
		var r *sim.Realism
		if realistic {
			r = &sim.Realism{Seed: 5, IAM: sim.Delay{Typical: lag, Max: lag}, ThrottleRate: -1}
		}
		clock := simtest.NewClock(time.Now().UTC())
		srv := startSim(t, sim.Options{Clock: clock.Now, Realism: r})
		admin := iam.NewFromConfig(noRetry(srv, srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey))
		// settle lets a change propagate; without realism there is nothing to wait for.
		settle := func() {
			if realistic {
				clock.Advance(lag + time.Second)
			}
		}
		// lagging checks that err is the code AWS answers while the change
		// propagates (only with realism), or nil.
		lagging := func(what string, err error, code string) {
			t.Helper()
			if !realistic {
				if err != nil {
					t.Fatalf("without realism, %s: %v", what, err)
				}
				return
			}
			if got, msg := awsErr(t, what, err); got != code {
				t.Fatalf("%s answered %s (%s), want %s while IAM propagates", what, got, msg, code)
			}
		}
		name := aws.String("lagging-user")
		if _, err := admin.CreateUser(ctx, &iam.CreateUserInput{UserName: name}); err != nil {
			t.Fatalf("CreateUser: %v", err)
		}
		_, err := admin.GetUser(ctx, &iam.GetUserInput{UserName: name})
		lagging("GetUser right after CreateUser", err, "NoSuchEntity")
		_, err = admin.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: name, PolicyName: aws.String("list-keys"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:ListKeys","Resource":"*"}]}`)})
		lagging("PutUserPolicy right after CreateUser", err, "NoSuchEntity")
		settle()
		if _, err := admin.GetUser(ctx, &iam.GetUserInput{UserName: name}); err != nil {
			t.Fatalf("GetUser once propagated: %v", err)
		}
		if realistic {
			if _, err := admin.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: name, PolicyName: aws.String("list-keys"),
				PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:ListKeys","Resource":"*"}]}`)}); err != nil {
				t.Fatalf("PutUserPolicy once the user propagated: %v", err)
			}
		}
		key, err := admin.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: name})
		if err != nil {
			t.Fatalf("CreateAccessKey: %v", err)
		}
		userCfg := noRetry(srv, *key.AccessKey.AccessKeyId, *key.AccessKey.SecretAccessKey)
		_, err = sts.NewFromConfig(userCfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		lagging("a new access key's first call", err, "InvalidClientTokenId")
		settle()
		userKMS := kms.NewFromConfig(userCfg)
		if _, err := userKMS.ListKeys(ctx, &kms.ListKeysInput{}); err != nil {
			t.Fatalf("ListKeys under the inline policy once propagated: %v", err)
		}
		if _, err := admin.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: name, PolicyName: aws.String("list-keys")}); err != nil {
			t.Fatalf("DeleteUserPolicy: %v", err)
		}
		_, err = userKMS.ListKeys(ctx, &kms.ListKeysInput{})
		if realistic && err != nil {
			t.Fatalf("ListKeys right after DeleteUserPolicy: %v; the policy should still count a while", err)
		}
		settle()
		if code, _ := awsErr(t, "ListKeys once the delete propagated", func() error { _, err := userKMS.ListKeys(ctx, &kms.ListKeysInput{}); return err }()); code != "AccessDeniedException" {
			t.Fatalf("ListKeys once the policy's delete propagated answered %s", code)
		}

		if _, err := admin.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: name, AccessKeyId: key.AccessKey.AccessKeyId}); err != nil {
			t.Fatalf("DeleteAccessKey: %v", err)
		}
		_, err = admin.DeleteUser(ctx, &iam.DeleteUserInput{UserName: name})
		lagging("DeleteUser right after DeleteAccessKey", err, "DeleteConflict")
		settle()
		if realistic {
			if _, err := admin.DeleteUser(ctx, &iam.DeleteUserInput{UserName: name}); err != nil {
				t.Fatalf("DeleteUser once the key's delete propagated: %v", err)
			}
		}
		users, err := admin.ListUsers(ctx, &iam.ListUsersInput{})
		if err != nil {
			t.Fatalf("ListUsers: %v", err)
		}
		if want := map[bool]int{true: 2, false: 1}[realistic]; len(users.Users) != want {
			t.Fatalf("realistic=%v: ListUsers right after DeleteUser lists %d users, want %d", realistic, len(users.Users), want)
		}
		settle()
		if users, err = admin.ListUsers(ctx, &iam.ListUsersInput{}); err != nil || len(users.Users) != 1 {
			t.Fatalf("ListUsers once the delete propagated: %d users, %v", len(users.Users), err)
		}

		group := aws.String("lagging-group")
		if _, err := admin.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: group}); err != nil {
			t.Fatalf("CreateGroup: %v", err)
		}
		pol, err := admin.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("lagging-policy"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:ListKeys","Resource":"*"}]}`)})
		if err != nil {
			t.Fatalf("CreatePolicy: %v", err)
		}
		_, err = admin.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: group, PolicyArn: pol.Policy.Arn})
		lagging("AttachGroupPolicy right after CreateGroup and CreatePolicy", err, "NoSuchEntity")
		settle()
		if realistic {
			if _, err := admin.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: group, PolicyArn: pol.Policy.Arn}); err != nil {
				t.Fatalf("AttachGroupPolicy once propagated: %v", err)
			}
			settle()
		}
		if _, err := admin.DetachGroupPolicy(ctx, &iam.DetachGroupPolicyInput{GroupName: group, PolicyArn: pol.Policy.Arn}); err != nil {
			t.Fatalf("DetachGroupPolicy: %v", err)
		}
		_, err = admin.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: pol.Policy.Arn})
		lagging("DeletePolicy right after DetachGroupPolicy", err, "DeleteConflict")
		_, err = admin.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: group})
		lagging("DeleteGroup right after DetachGroupPolicy", err, "DeleteConflict")
		settle()
		if realistic {
			if _, err := admin.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: pol.Policy.Arn}); err != nil {
				t.Fatalf("DeletePolicy once the detach propagated: %v", err)
			}
			if _, err := admin.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: group}); err != nil {
				t.Fatalf("DeleteGroup once the detach propagated: %v", err)
			}
		}
	}
}

// TestRealismConcurrent: IAM writes, IAM reads and KMS calls from several
// clients at once, with realism, answer only in AWS's codes (run it with
// -race: the lagging IAM is swapped while others read it).
func TestRealismConcurrent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := simtest.NewClock(time.Now().UTC())
	srv := startSim(t, sim.Options{Clock: clock.Now, Realism: &sim.Realism{Seed: 3, ThrottleRate: 0.05}})
	cfg := sdkConfig(srv, srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey)
	admin, kc := iam.NewFromConfig(cfg), kms.NewFromConfig(cfg)
	done := make(chan error)
	for w := range 6 {
		go func() {
			name := aws.String("worker-" + string(rune('a'+w)))
			var err error
			for i := 0; i < 15 && err == nil; i++ {
				switch i % 5 {
				case 0:
					_, err = admin.CreateUser(ctx, &iam.CreateUserInput{UserName: name})
				case 1, 3:
					_, err = admin.ListUsers(ctx, &iam.ListUsersInput{})
				case 2:
					_, err = kc.ListKeys(ctx, &kms.ListKeysInput{})
					clock.Advance(10 * time.Second)
				case 4:
					_, err = admin.DeleteUser(ctx, &iam.DeleteUserInput{UserName: name})
				}
				// The lag's own answers are expected; anything else is not.
				var ae smithy.APIError
				if errors.As(err, &ae) {
					switch ae.ErrorCode() {
					case "NoSuchEntity", "EntityAlreadyExists", "DeleteConflict":
						err = nil
					}
				}
			}
			done <- err
		}()
	}
	for range 6 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

// TestRealismAssumeRole: with realism, a role cannot be assumed until it has
// propagated (AccessDenied, as AWS answers for a role it cannot see); the
// session it then issues works at once. Without realism, at once.
func TestRealismAssumeRole(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const lag = 20 * time.Second
	for _, realistic := range []bool{true, false} {
		var r *sim.Realism
		if realistic {
			r = &sim.Realism{Seed: 8, IAM: sim.Delay{Typical: lag, Max: lag}, ThrottleRate: -1}
		}
		clock := simtest.NewClock(time.Now().UTC())
		srv := startSim(t, sim.Options{Clock: clock.Now, Realism: r})
		cfg := noRetry(srv, srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey)
		trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + srv.AccountID + `:root"},"Action":"sts:AssumeRole"}]}`
		role, err := iam.NewFromConfig(cfg).CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("lagging-role"), AssumeRolePolicyDocument: aws.String(trust)})
		if err != nil {
			t.Fatalf("CreateRole: %v", err)
		}
		assume := func() (*sts.AssumeRoleOutput, error) {
			return sts.NewFromConfig(cfg).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: role.Role.Arn, RoleSessionName: aws.String("lag-session")})
		}
		out, err := assume()
		if realistic {
			if code, msg := awsErr(t, "AssumeRole right after CreateRole", err); code != "AccessDenied" {
				t.Fatalf("AssumeRole right after CreateRole answered %s: %s", code, msg)
			}
			clock.Advance(lag + time.Second)
			out, err = assume()
		}
		if err != nil {
			t.Fatalf("realistic=%v: AssumeRole once the role propagated: %v", realistic, err)
		}
		c := out.Credentials
		session := sdkConfig(srv, *c.AccessKeyId, *c.SecretAccessKey)
		session.Credentials = credentials.NewStaticCredentialsProvider(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken)
		if _, err := sts.NewFromConfig(session).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
			t.Fatalf("realistic=%v: the new session's first call: %v", realistic, err)
		}
	}
}
