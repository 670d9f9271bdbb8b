package steps

import (
	"context"
	"errors"

	"kmslab/awsops"
)

func part5() Step {
	return Step{
		Part: 5, ID: "test-denied", Title: "todo",
		CLI: func(awsops.Names, awsops.Identity) []string { return nil },
		Run: func(ctx context.Context, lab *awsops.Lab) Outcome { return failed(errors.New("todo")) },
	}
}
