package steps

import (
	"context"
	"fmt"

	"kmslab/awsops"
	"kmslab/awsops/ledger"
	"kmslab/awsops/policydoc"
)

func part6() Step {
	return Step{
		Needs:   concat(needsExplain, []string{"kms:PutKeyPolicy"}),
		Part:    6,
		ID:      "grant-access",
		Title:   "Grant the test user use of the key",
		Short:   "Grant key use",
		Explain: text("part6_grant"),
		CLI: func(n ledger.Names, id awsops.Identity) []string {
			setup, partition, account, me := who(id)
			user := userARN(partition, account, n)
			policy, err := policydoc.WithKeyUser(policydoc.ConsolePolicy(partition, account, me), user)
			if err != nil {
				panic(err) // the lab's own policy always has the statement to add to
			}
			return append(setup,
				fmt.Sprintf("# key-policy.json: part 1's policy with %s added to \"Allow use of the key\"", user),
				writeFile("key-policy.json", policy),
				keyIDByAlias(n),
				fmt.Sprintf("aws kms put-key-policy --key-id \"$%s\" --policy-name default --policy file://key-policy.json", varKeyID),
				"# as the test user again: the scan now returns the item",
				asTestUser(fmt.Sprintf("aws dynamodb scan --table-name %s", n.Table)),
			)
		},
		Check: func(o Outcome) string {
			if o.Err != nil {
				return fmt.Sprintf("part 6 failed: %v", o.Err)
			}
			if g, ok := o.Result.(KeyUseGranted); o.Status != Done || !ok || !g.Access.Allowed() {
				return "part 6: the test user still cannot read the table after the key policy edit"
			}
			return ""
		},
		Run: func(ctx context.Context, lab *awsops.Lab) Outcome {
			change, err := lab.GrantKeyUse(ctx)
			if err != nil {
				return failed(err)
			}
			access, err := lab.WaitForAccess(ctx)
			out := Outcome{Result: KeyUseGranted{Change: change, Access: access}}
			if err != nil {
				out.Status, out.Err, out.Summary = Failed, err, err.Error()
				return out
			}
			out.Status = Done
			what := "is now in"
			if !change.Changed {
				what = "was already in"
			}
			out.Summary = fmt.Sprintf("%s %s \"Allow use of the key\" and reads %s in plain text.",
				lab.Names().User, what, count(len(access.Items), "item"))
			// The same trace as part 5's, now with the statement that lets the user in.
			if ex, err := lab.Explain(ctx); err == nil {
				out.Result = KeyUseGranted{Change: change, Access: access, Explanation: &ex}
			}
			return out
		},
	}
}
