package steps

import (
	"context"
	"errors"

	"kmslab/awsops"
)

func part6() Step {
	return Step{
		Part: 6, ID: "grant-access", Title: "todo",
		CLI: func(awsops.Names, awsops.Identity) []string { return nil },
		Run: func(ctx context.Context, lab *awsops.Lab) Outcome { return failed(errors.New("todo")) },
	}
}
