package steps

import (
	"context"
	"errors"

	"kmslab/awsops"
)

func cleanup() Step {
	return Step{
		Part: 7, ID: "cleanup", Title: "todo",
		CLI: func(awsops.Names, awsops.Identity) []string { return nil },
		Run: func(ctx context.Context, lab *awsops.Lab) Outcome { return failed(errors.New("todo")) },
	}
}
