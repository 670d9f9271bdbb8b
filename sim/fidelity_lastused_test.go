package sim_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"kmslab/internal/simtest"
	"kmslab/sim"
)

// GetAccessKeyLastUsed parses with the real SDK and reports the last service,
// region and time a key authenticated a request, as IAM does: N/A until then,
// and a denied call counts too, since the key did sign it.
func TestFidelityAccessKeyLastUsedOverTheWire(t *testing.T) {
	ctx := context.Background()
	clock := simtest.NewClock(time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC))
	srv := startSim(t, sim.Options{Region: "eu-west-1", Clock: clock.Now})
	admin, _ := iamClients(srv, srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey)

	if _, err := admin.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("lu-user")}); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	if _, err := admin.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("lu-user"), PolicyArn: aws.String(ddbFullAccess)}); err != nil {
		t.Fatalf("AttachUserPolicy: %v", err)
	}
	key, err := admin.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("lu-user")})
	if err != nil {
		t.Fatalf("CreateAccessKey: %v", err)
	}
	keyID, secret := aws.ToString(key.AccessKey.AccessKeyId), aws.ToString(key.AccessKey.SecretAccessKey)
	userCfg := sdkConfig(srv, keyID, secret)

	// lastUsed is "service region date" for the user's key, as the admin sees it.
	lastUsed := func(what string) string {
		t.Helper()
		out, err := admin.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String(keyID)})
		if err != nil {
			t.Fatalf("GetAccessKeyLastUsed %s: %v", what, err)
		}
		lu := out.AccessKeyLastUsed
		if aws.ToString(out.UserName) != "lu-user" || lu == nil {
			t.Fatalf("GetAccessKeyLastUsed %s = %+v", what, out)
		}
		date := "-"
		if lu.LastUsedDate != nil {
			date = lu.LastUsedDate.UTC().Format(time.RFC3339)
		}
		return aws.ToString(lu.ServiceName) + " " + aws.ToString(lu.Region) + " " + date
	}

	if got := lastUsed("before any use"); got != "N/A N/A -" {
		t.Fatalf("never used = %q, want N/A N/A and no date", got)
	}

	clock.Advance(2 * time.Hour)
	if _, err := dynamodb.NewFromConfig(userCfg).ListTables(ctx, &dynamodb.ListTablesInput{}); err != nil {
		t.Fatalf("ListTables: %v", err)
	}
	if got := lastUsed("after ListTables"); got != "dynamodb eu-west-1 2026-03-01T12:00:00Z" {
		t.Fatalf("after ListTables = %q", got)
	}

	// The admin's own calls do not touch the user's key.
	clock.Advance(time.Minute)
	if _, err := admin.ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatalf("ListUsers as admin: %v", err)
	}
	if got := lastUsed("after the admin's call"); got != "dynamodb eu-west-1 2026-03-01T12:00:00Z" {
		t.Fatalf("after the admin's call = %q", got)
	}

	clock.Advance(time.Minute)
	if _, err := sts.NewFromConfig(userCfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("GetCallerIdentity: %v", err)
	}
	if got := lastUsed("after GetCallerIdentity"); got != "sts eu-west-1 2026-03-01T12:02:00Z" {
		t.Fatalf("after GetCallerIdentity = %q", got)
	}

	// Denied, but authenticated: the key was used.
	clock.Advance(time.Minute)
	if _, err := iam.NewFromConfig(userCfg).ListUsers(ctx, &iam.ListUsersInput{}); err == nil {
		t.Fatal("ListUsers as a DynamoDB-only user succeeded")
	}
	if got := lastUsed("after a denied call"); got != "iam eu-west-1 2026-03-01T12:03:00Z" {
		t.Fatalf("after a denied call = %q", got)
	}

	// A request that fails authentication is not a use.
	clock.Advance(time.Minute)
	bad := sdkConfig(srv, keyID, "not-the-secret-not-the-secret-not-the-se")
	if _, err := dynamodb.NewFromConfig(bad).ListTables(ctx, &dynamodb.ListTablesInput{}); err == nil {
		t.Fatal("ListTables with a wrong secret succeeded")
	}
	if got := lastUsed("after a bad signature"); got != "iam eu-west-1 2026-03-01T12:03:00Z" {
		t.Fatalf("after a bad signature = %q", got)
	}

	if _, err := admin.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String("AKIANOSUCHKEYATALL00")}); err == nil {
		t.Fatal("GetAccessKeyLastUsed of an unknown key succeeded")
	} else if code, msg := awsErr(t, "call", err); code != "NoSuchEntity" || msg != "The Access Key with id AKIANOSUCHKEYATALL00 cannot be found." {
		t.Fatalf("unknown key: %s %q", code, msg)
	}
}
