package steps

import (
	"context"
	"fmt"

	"kmslab/awsops"
	"kmslab/awsops/ledger"
)

func part3() Step {
	return Step{
		Needs:   needsItem,
		Part:    3,
		ID:      "add-data",
		Title:   "Add an item and read it back",
		Short:   "Add an item",
		Explain: text("part3_item"),
		CLI: func(n ledger.Names, id awsops.Identity) []string {
			return []string{
				fmt.Sprintf("aws dynamodb put-item --table-name %s --item \\\n"+
					"  '{\"id\":{\"S\":\"1\"},\"name\":{\"S\":\"Ada Lovelace\"},\"secret\":{\"S\":\"The vault opens with 4-8-15-16\"},\"balance\":{\"N\":\"1815\"}}'", n.Table),
				fmt.Sprintf("aws dynamodb scan --table-name %s", n.Table),
			}
		},
		Run: func(ctx context.Context, lab *awsops.Lab) Outcome {
			item, err := lab.PutItem(ctx)
			if err != nil {
				return failed(err)
			}
			items, err := lab.ScanAsAdmin(ctx)
			if err != nil {
				return failed(err)
			}
			found := false
			for _, it := range items {
				if it.Get("id") == item.Get("id") && it.Get("secret") == item.Get("secret") {
					found = true
				}
			}
			if !found {
				err := fmt.Errorf("the item with id %q was stored but the scan did not return it", item.Get("id"))
				return Outcome{Status: Failed, Err: err, Summary: err.Error(), Result: ItemsRead{Items: items}}
			}
			return Outcome{
				Status:  Done,
				Result:  ItemsRead{Items: items},
				Summary: fmt.Sprintf("Stored item %s; as a Key User you read %s back in plain text.", item.Get("id"), count(len(items), "item")),
			}
		},
	}
}
