package steps

import (
	"context"
	"fmt"

	"kmslab/awsops"
	"kmslab/awsops/ledger"
)

func cleanup() Step {
	return Step{
		Needs:   needsCleanup,
		Part:    7,
		Kind:    KindCleanup,
		ID:      "cleanup",
		Title:   "Clean up",
		Short:   "Clean up",
		Explain: text("cleanup"),
		Check: func(o Outcome) string {
			if why := mustBeDone("Clean up", o); why != "" {
				return why
			}
			if c, ok := o.Result.(CleanedUp); !ok || !c.Report.OK() {
				return "cleanup left resources behind: run kmslab cleanup"
			}
			return ""
		},
		CLI: func(n ledger.Names, id awsops.Identity) []string {
			partition, _ := arnParts(id)
			return []string{
				fmt.Sprintf("for k in $(aws iam list-access-keys --user-name %s --query 'AccessKeyMetadata[].AccessKeyId' --output text); do "+
					"aws iam delete-access-key --user-name %s --access-key-id \"$k\"; done", n.User, n.User),
				fmt.Sprintf("aws iam detach-user-policy --user-name %s --policy-arn arn:%s:iam::aws:policy/AmazonDynamoDBFullAccess", n.User, partition),
				fmt.Sprintf("aws iam delete-user --user-name %s", n.User),
				fmt.Sprintf("aws dynamodb delete-table --table-name %s", n.Table),
				keyIDByAlias(n),
				fmt.Sprintf("aws kms delete-alias --alias-name %s", n.Alias),
				fmt.Sprintf("aws kms schedule-key-deletion --key-id \"$%s\" --pending-window-in-days 7", varKeyID),
			}
		},
		Run: func(ctx context.Context, lab *awsops.Lab) Outcome {
			report, err := lab.Cleanup(ctx)
			out := Outcome{Result: CleanedUp{Report: report}}
			if err != nil {
				out.Status, out.Err, out.Summary = Failed, err, err.Error()
				return out
			}
			out.Status = Done
			removed, scheduled := 0, false
			for _, f := range report.Resources {
				switch f.Outcome {
				case ledger.OutcomeDeleted, "detached":
					removed++
				case ledger.OutcomeScheduled, ledger.OutcomeAlreadyScheduled:
					scheduled = true
				}
			}
			out.Summary = fmt.Sprintf("Removed %s.", count(removed, "resource"))
			if scheduled {
				out.Summary = fmt.Sprintf("Removed %s; the key is scheduled for deletion in 7 days and can be recovered until then.", count(removed, "resource"))
			}
			return out
		},
	}
}
