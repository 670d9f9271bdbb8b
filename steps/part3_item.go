package steps

import (
	"context"
	"errors"

	"kmslab/awsops"
)

func part3() Step {
	return Step{
		Part: 3, ID: "add-data", Title: "todo",
		CLI: func(awsops.Names, awsops.Identity) []string { return nil },
		Run: func(ctx context.Context, lab *awsops.Lab) Outcome { return failed(errors.New("todo")) },
	}
}
