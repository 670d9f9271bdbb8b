package steps

import (
	"context"
	"fmt"

	"kmslab/awsops"
	"kmslab/awsops/ledger"
	"kmslab/awsops/policydoc"
)

func part1() Step {
	return Step{
		Needs:   needsKey,
		Part:    1,
		ID:      "create-key",
		Title:   "Create a customer managed KMS key",
		Short:   "Create a key",
		Explain: text("part1_key"),
		CLI: func(n ledger.Names, id awsops.Identity) []string {
			setup, partition, account, me := who(id)
			return append(setup,
				"# key-policy.json: the console's default policy, naming you as Key Administrator and Key User",
				writeFile("key-policy.json", policydoc.ConsolePolicy(partition, account, me)),
				fmt.Sprintf("%s=$(aws kms create-key --key-spec SYMMETRIC_DEFAULT --key-usage ENCRYPT_DECRYPT \\\n"+
					"  --description \"kmslab run %s\" --tags TagKey=%s,TagValue=%s --policy file://key-policy.json \\\n"+
					"  --query KeyMetadata.KeyId --output text)",
					varKeyID, n.RunID, ledger.TagKey, n.RunID),
				fmt.Sprintf("aws kms create-alias --alias-name %s --target-key-id \"$%s\"", n.Alias, varKeyID),
				fmt.Sprintf("aws kms describe-key --key-id %s", n.Alias),
				fmt.Sprintf("aws kms get-key-policy --key-id \"$%s\" --policy-name default --query Policy --output text", varKeyID),
			)
		},
		Run: func(ctx context.Context, lab *awsops.Lab) Outcome {
			key, err := lab.CreateKey(ctx)
			if err != nil {
				return failed(err)
			}
			return Outcome{
				Status: Done,
				Result: KeyCreated{Key: key},
				Summary: fmt.Sprintf("Key %s (%s) is %s: %s, %s; you are its administrator and user.",
					key.ID, key.Alias, key.State, key.Spec, key.Usage),
			}
		},
	}
}
