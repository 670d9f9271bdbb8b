package steps

import (
	"context"
	"errors"

	"kmslab/awsops"
)

func part1() Step {
	return Step{
		Part: 1, ID: "create-key", Title: "todo",
		CLI: func(awsops.Names, awsops.Identity) []string { return nil },
		Run: func(ctx context.Context, lab *awsops.Lab) Outcome { return failed(errors.New("todo")) },
	}
}
