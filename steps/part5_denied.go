package steps

import (
	"context"
	"fmt"

	"kmslab/awsops"
	"kmslab/awsops/ledger"
)

func part5() Step {
	return Step{
		Needs:   needsExplain,
		Part:    5,
		ID:      "test-denied",
		Title:   "Read the table as the test user",
		Short:   "Read as user",
		Explain: text("part5_denied"),
		CLI: func(n ledger.Names, id awsops.Identity) []string {
			setup, partition, account, _ := who(id)
			return append(setup,
				"# as the test user, with the access key part 4 kept: the scan is refused (AccessDeniedException on kms:Decrypt)",
				asTestUser(fmt.Sprintf("aws dynamodb scan --table-name %s", n.Table)),
				"# describing the table needs no key, so that works",
				asTestUser(fmt.Sprintf("aws dynamodb describe-table --table-name %s --query Table.SSEDescription", n.Table)),
				"# back as yourself: why was it denied?",
				keyIDByAlias(n),
				fmt.Sprintf("aws iam simulate-principal-policy --policy-source-arn %s \\\n"+
					"  --action-names kms:Decrypt --resource-arns \"$(aws kms describe-key --key-id \"$%s\" --query KeyMetadata.Arn --output text)\" \\\n"+
					"  --resource-policy \"$(aws kms get-key-policy --key-id \"$%s\" --policy-name default --query Policy --output text)\"",
					userARN(partition, account, n), varKeyID, varKeyID),
			)
		},
		Run: runDenied,
		Check: func(o Outcome) string {
			if o.Status != DeniedAsExpected {
				return fmt.Sprintf("part 5: the test user was not denied kms:Decrypt (status %s)", o.Status)
			}
			return ""
		},
	}
}

// runDenied succeeds when the test user is refused kms:Decrypt: that refusal
// is the lesson. Reading the table would mean the key protects nothing.
func runDenied(ctx context.Context, lab *awsops.Lab) Outcome {
	access, err := lab.ScanAsTestUser(ctx)
	if err != nil {
		return failed(err)
	}
	var out Outcome
	if access.Allowed() {
		out.Status = Failed
		out.Result = ItemsRead{Items: access.Items}
		out.Err = fmt.Errorf("the test user read %s: the key policy already lets it use the key, so there is no denial to show", count(len(access.Items), "item"))
		out.Summary = out.Err.Error()
		return out
	}
	if access.Denied.Action != "kms:Decrypt" {
		out.Status = Failed
		out.Result = ReadDenied{Denied: *access.Denied, FixedBy: "part 6"}
		out.Err = fmt.Errorf("the test user was refused %s, not kms:Decrypt: %s", orUnknown(access.Denied.Action), access.Denied.Message)
		out.Summary = out.Err.Error()
		return out
	}
	res := ReadDenied{Denied: *access.Denied, FixedBy: "part 6"}
	out.Status = DeniedAsExpected
	// The headline is the explanation's: the decision told from the trace,
	// as the TUI's WHY panel leads with it. Without one, only what AWS said.
	out.Summary = fmt.Sprintf("%s was refused %s.", lab.Names().User, access.Denied.Action)
	// The explanation and the contrast enrich the screen; the denial alone
	// already makes the point, so their failures are reported, not fatal.
	if ex, err := lab.Explain(ctx); err == nil {
		res.Explanation = &ex
		if ex.Summary != "" {
			out.Summary = ex.Summary
		}
	} else {
		out.Summary += " (No policy simulation: " + err.Error() + ")"
	}
	if t, err := lab.DescribeTableAsTestUser(ctx); err == nil {
		res.Table = &t
	} else {
		out.Summary += " (Describing the table failed too: " + err.Error() + ")"
	}
	out.Result = res
	return out
}

func orUnknown(s string) string {
	if s == "" {
		return "an unnamed action"
	}
	return s
}
