package awsops

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"kmslab/awsops/awserr"
	"kmslab/awsops/policydoc"
)

// The changes of the experiment where a table's resource-based policy, not
// an IAM policy, lets the test user reach DynamoDB. Like the others, each
// records its diff and queues its undo. Neither needs a ledger entry of its
// own: a table policy is deleted with its table, and a detached managed
// policy leaves nothing behind (cleanup removes the user whatever is
// attached to it).

// DetachDynamoDBAccess detaches AmazonDynamoDBFullAccess, which the lab
// attached, from the test user; undo attaches it again.
func (e *Experiment) DetachDynamoDBAccess(ctx context.Context) error {
	l := e.l
	arn := "arn:" + l.partition + ":iam::aws:policy/" + dynamoFullAccess
	if _, err := l.iam.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: aws.String(l.user.Name), PolicyArn: aws.String(arn)}); err != nil {
		return awserr.Fail("detach IAM policy", dynamoFullAccess, err)
	}
	e.undo = append(e.undo, func(ctx context.Context) error {
		if _, err := l.iam.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String(l.user.Name), PolicyArn: aws.String(arn)}); err != nil {
			return awserr.Fail("attach IAM policy", dynamoFullAccess, err)
		}
		return nil
	})
	e.trial.Diffs = append(e.trial.Diffs, Diff{Label: "IAM policies of " + l.user.Name,
		Text: fmt.Sprintf("- %s (detached)\n", dynamoFullAccess)})
	return nil
}

// TableARN is the lab table's ARN: what a table policy is attached to and
// what its statements name (DynamoDB's PutResourcePolicy takes the ARN,
// never the table's name).
func (e *Experiment) TableARN() string { return e.l.table.ARN }

// PutTablePolicy attaches doc to the table as its resource-based policy;
// undo deletes it. The lab's table has none at the experiments' baseline. On AWS
// this needs DynamoDB's resource-based policies (2024; the AWS CLI v1 and
// v2 releases of that year onwards have put-resource-policy), takes the
// table's ARN, and applies eventually: the probes wait for the decision
// they expect (API_PutResourcePolicy.html, "the policy application is
// eventually consistent",
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutResourcePolicy.html).
func (e *Experiment) PutTablePolicy(ctx context.Context, doc string) error {
	l := e.l
	arn := aws.String(l.table.ARN)
	e.undo = append(e.undo, func(ctx context.Context) error {
		// AWS blocks further changes to a resource's policy for 15 seconds
		// after a successful update ("Resource-based policy considerations",
		// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/rbac-considerations.html),
		// and the experiment may take less: a refusal of that kind is
		// retried until the wait gives up. Which code AWS answers it with is
		// not documented; these two are DynamoDB's for a busy resource and
		// a rate limit.
		return l.wait(ctx, "RunExperiment", "the table policy to be deletable", func(ctx context.Context) (bool, error) {
			_, err := l.ddb.DeleteResourcePolicy(ctx, &dynamodb.DeleteResourcePolicyInput{ResourceArn: arn})
			switch {
			case err == nil, awserr.IsCode(err, "PolicyNotFoundException"):
				return true, nil
			case awserr.IsCode(err, "ResourceInUseException", "LimitExceededException"):
				return false, nil
			}
			return false, awserr.Fail("delete the table policy", l.names.Table, err)
		})
	})
	if _, err := l.ddb.PutResourcePolicy(ctx, &dynamodb.PutResourcePolicyInput{ResourceArn: arn, Policy: aws.String(doc)}); err != nil {
		return awserr.Fail("put the table policy", l.names.Table, err)
	}
	e.trial.Diffs = append(e.trial.Diffs, Diff{Label: "table policy (new, on " + l.names.Table + ")",
		Text: policydoc.NewDocDiff("table policy", doc)})
	return nil
}

// tablePolicy reads the table's resource-based policy, "" when it has none.
func (l *Lab) tablePolicy(ctx context.Context) (string, error) {
	out, err := l.ddb.GetResourcePolicy(ctx, &dynamodb.GetResourcePolicyInput{ResourceArn: aws.String(l.table.ARN)})
	if awserr.IsCode(err, "PolicyNotFoundException") {
		return "", nil
	}
	if err != nil {
		return "", awserr.Fail("read the table policy", l.names.Table, err)
	}
	return policydoc.PrettyJSON(aws.ToString(out.Policy)), nil
}
