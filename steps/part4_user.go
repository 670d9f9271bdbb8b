package steps

import (
	"context"
	"fmt"

	"kmslab/awsops"
	"kmslab/awsops/ledger"
)

func part4() Step {
	return Step{
		Needs:   needsUser,
		Part:    4,
		ID:      "create-user",
		Title:   "Create a test user with DynamoDB access only",
		Short:   "Add test user",
		Explain: text("part4_user"),
		CLI: func(n ledger.Names, id awsops.Identity) []string {
			partition, _ := arnParts(id)
			return []string{
				fmt.Sprintf("aws iam create-user --user-name %s --tags Key=%s,Value=%s", n.User, ledger.TagKey, n.RunID),
				fmt.Sprintf("aws iam attach-user-policy --user-name %s --policy-arn arn:%s:iam::aws:policy/AmazonDynamoDBFullAccess", n.User, partition),
				"# keep the new access key in shell variables: the secret stays off the screen",
				fmt.Sprintf("read -r %s %s <<< \"$(aws iam create-access-key --user-name %s \\\n"+
					"  --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text)\"", varTestKeyID, varTestSecret, n.User),
				fmt.Sprintf("echo \"test user's access key: $%s\"", varTestKeyID),
			}
		},
		Run: func(ctx context.Context, lab *awsops.Lab) Outcome {
			user, err := lab.CreateTestUser(ctx)
			if err != nil {
				return failed(err)
			}
			return Outcome{
				Status: Done,
				Result: UserCreated{User: user},
				Summary: fmt.Sprintf("User %s has %d managed policy (DynamoDB only, no KMS use) and a working access key %s.",
					user.Name, len(user.Policies), user.AccessKeyID),
			}
		},
	}
}
