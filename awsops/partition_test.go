package awsops

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"kmslab/awsops/partition"
)

// deadConfig points at an address where nothing listens, with no retries:
// a test using it fails if the code under test makes any call.
func deadConfig(region string) aws.Config {
	return aws.Config{Region: region, BaseEndpoint: aws.String("http://127.0.0.1:1"),
		Credentials: credentials.NewStaticCredentialsProvider("AKIAEXAMPLEEXAMPLE00", "not-a-secret", ""),
		Retryer:     func() aws.Retryer { return aws.NopRetryer{} }}
}

// TestPartitionFromCallerARN: the partition comes from the caller's ARN, and
// with it the ARNs the lab builds and the domain of kms:ViaService.
func TestPartitionFromCallerARN(t *testing.T) {
	t.Parallel()
	dead := iam.NewFromConfig(deadConfig("us-east-1"))
	for _, tc := range []struct {
		name, arn, region  string
		partition, via     string
		kind               callerType
		principal, managed string
	}{
		{"commercial user", "arn:aws:iam::111122223333:user/alice", "eu-west-1", "aws", "dynamodb.eu-west-1.amazonaws.com", callerUser,
			"arn:aws:iam::111122223333:user/alice", "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"},
		{"China role session", "arn:aws-cn:sts::111122223333:assumed-role/Admin/bob", "cn-north-1", "aws-cn", "dynamodb.cn-north-1.amazonaws.com.cn", callerRole,
			"arn:aws-cn:iam::111122223333:role/Admin", "arn:aws-cn:iam::aws:policy/AmazonDynamoDBFullAccess"},
		{"GovCloud user", "arn:aws-us-gov:iam::111122223333:user/carol", "us-gov-west-1", "aws-us-gov", "dynamodb.us-gov-west-1.amazonaws.com", callerUser,
			"arn:aws-us-gov:iam::111122223333:user/carol", "arn:aws-us-gov:iam::aws:policy/AmazonDynamoDBFullAccess"},
		{"GovCloud federated user", "arn:aws-us-gov:sts::111122223333:federated-user/dan", "us-gov-east-1", "aws-us-gov", "dynamodb.us-gov-east-1.amazonaws.com", callerFederated,
			"arn:aws-us-gov:sts::111122223333:federated-user/dan", "arn:aws-us-gov:iam::aws:policy/AmazonDynamoDBFullAccess"},
		{"China root", "arn:aws-cn:iam::111122223333:root", "cn-northwest-1", "aws-cn", "dynamodb.cn-northwest-1.amazonaws.com.cn", callerRoot,
			"arn:aws-cn:iam::111122223333:root", "arn:aws-cn:iam::aws:policy/AmazonDynamoDBFullAccess"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			id := Identity{ARN: tc.arn, Account: "111122223333", Region: tc.region}
			if p := partition.Of(tc.arn); p != tc.partition {
				t.Errorf("partition %q, want %q", p, tc.partition)
			}
			if p := partition.OfRegion(tc.region); p != tc.partition {
				t.Errorf("partition of region %q, want %q", p, tc.partition)
			}
			if v := ViaService("dynamodb", id); v != tc.via {
				t.Errorf("via %q, want %q", v, tc.via)
			}
			if k := callerKind(tc.arn); k != tc.kind {
				t.Errorf("caller kind %d, want %d", k, tc.kind)
			}
			// Without iam:GetRole (here: no answer at all) the role is
			// built from the session's ARN, in its partition.
			if p := principalFor(context.Background(), dead, id); p != tc.principal {
				t.Errorf("principal %q, want %q", p, tc.principal)
			}
			l := &Lab{partition: partition.Of(tc.arn)}
			if m := l.managedPolicyARN(dynamoFullAccess); m != tc.managed {
				t.Errorf("managed policy %q, want %q", m, tc.managed)
			}
		})
	}
}

// TestPreflightRootAndFederated: the account root needs no check, and a
// federated user cannot be checked (IAM's simulator refuses its ARN): the
// preflight says so and goes on, without calling AWS at all.
func TestPreflightRootAndFederated(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		arn      string
		warnings int
	}{
		{"arn:aws:iam::111122223333:root", 0},
		{"arn:aws:sts::111122223333:federated-user/bob", 1},
	} {
		lab, err := New(deadConfig("us-east-1"), Options{DisableLedger: true})
		if err != nil {
			t.Fatal(err)
		}
		lab.ident = &Identity{ARN: tc.arn, Account: "111122223333", Region: "us-east-1"}
		res, err := lab.Preflight(context.Background(), []string{"kms:CreateKey", "iam:CreateUser"})
		if err != nil || len(res.Missing) != 0 || len(res.Warnings) != tc.warnings {
			t.Errorf("%s: %+v, %v", tc.arn, res, err)
		}
	}
}
