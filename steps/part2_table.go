package steps

import (
	"context"
	"fmt"

	"kmslab/awsops"
	"kmslab/awsops/ledger"
)

func part2() Step {
	return Step{
		Needs:   needsTable,
		Part:    2,
		ID:      "encrypt-table",
		Title:   "Encrypt a DynamoDB table with the key",
		Short:   "Encrypt table",
		Explain: text("part2_table"),
		CLI: func(n ledger.Names, id awsops.Identity) []string {
			return []string{
				fmt.Sprintf("aws dynamodb create-table --table-name %s \\\n"+
					"  --attribute-definitions AttributeName=id,AttributeType=S --key-schema AttributeName=id,KeyType=HASH \\\n"+
					"  --billing-mode PAY_PER_REQUEST --sse-specification Enabled=true,SSEType=KMS,KMSMasterKeyId=%s \\\n"+
					"  --tags Key=%s,Value=%s", n.Table, n.Alias, ledger.TagKey, n.RunID),
				fmt.Sprintf("aws dynamodb wait table-exists --table-name %s", n.Table),
				fmt.Sprintf("aws dynamodb describe-table --table-name %s --query Table.SSEDescription", n.Table),
			}
		},
		Run: func(ctx context.Context, lab *awsops.Lab) Outcome {
			table, err := lab.CreateEncryptedTable(ctx)
			if err != nil {
				return failed(err)
			}
			out := Outcome{Result: TableEncrypted{Table: table}}
			if table.SSE.Status != "ENABLED" || table.SSE.Type != "KMS" || table.SSE.KMSKeyARN == "" {
				out.Status = Failed
				out.Err = fmt.Errorf("table %s is not encrypted with a KMS key (SSE status %q, type %q)",
					table.Name, table.SSE.Status, table.SSE.Type)
				out.Summary = out.Err.Error()
				return out
			}
			key, err := lab.DescribeKey(ctx)
			if err != nil {
				return Outcome{Status: Failed, Err: err, Summary: err.Error(), Result: TableEncrypted{Table: table}}
			}
			if key.ARN != table.SSE.KMSKeyARN {
				out.Status = Failed
				out.Err = fmt.Errorf("table %s is encrypted with %s, not the lab's key %s", table.Name, table.SSE.KMSKeyARN, key.ARN)
				out.Summary = out.Err.Error()
				return out
			}
			out.Status = Done
			out.Result = TableEncrypted{Table: table, Key: &key, KeyFrom: "part 1"}
			out.Summary = fmt.Sprintf("Table %s is %s and encrypted at rest with your key %s.", table.Name, table.Status, key.ID)
			return out
		},
	}
}
