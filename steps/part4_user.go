package steps

import (
	"context"
	"errors"

	"kmslab/awsops"
)

func part4() Step {
	return Step{
		Part: 4, ID: "create-user", Title: "todo",
		CLI: func(awsops.Names, awsops.Identity) []string { return nil },
		Run: func(ctx context.Context, lab *awsops.Lab) Outcome { return failed(errors.New("todo")) },
	}
}
