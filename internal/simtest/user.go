package simtest

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// User is an IAM user a test creates over the wire, as the lab does.
type User struct {
	Name    string
	Managed []string          // AWS managed policies by name, e.g. AmazonDynamoDBFullAccess
	Inline  map[string]string // inline policies: name -> document
}

// CreateUser creates u through admin, attaches and puts its policies, and
// returns the user's ARN and a new access key of it.
func CreateUser(ctx context.Context, t testing.TB, admin *iam.Client, u User) (string, *types.AccessKey) {
	t.Helper()
	created, err := admin.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(u.Name)})
	if err != nil {
		t.Fatalf("CreateUser %s: %v", u.Name, err)
	}
	for _, p := range u.Managed {
		if _, err := admin.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String(u.Name),
			PolicyArn: aws.String("arn:aws:iam::aws:policy/" + p)}); err != nil {
			t.Fatalf("AttachUserPolicy %s %s: %v", u.Name, p, err)
		}
	}
	names := make([]string, 0, len(u.Inline))
	for n := range u.Inline {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		if _, err := admin.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(u.Name), PolicyName: aws.String(n),
			PolicyDocument: aws.String(u.Inline[n])}); err != nil {
			t.Fatalf("PutUserPolicy %s %s: %v", u.Name, n, err)
		}
	}
	key, err := admin.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(u.Name)})
	if err != nil {
		t.Fatalf("CreateAccessKey %s: %v", u.Name, err)
	}
	return aws.ToString(created.User.Arn), key.AccessKey
}
