// Package labtest holds lab values that tests of several packages run: an
// experiment the labs do not have, to show that a lab is data and that the
// ui and `run` take any experiment built from awsops' blocks. It is for tests.
package labtest

import (
	"context"

	"kmslab/awsops"
	"kmslab/awsops/ledger"
	"kmslab/steps"
)

// ExtraExperiment is an experiment the KMS lab does not have, made of
// awsops' building blocks alone: nothing else needs to know about it.
func ExtraExperiment() steps.Experiment {
	return steps.Experiment{
		ID: "describe-disabled", Title: "Metadata of a disabled key's table",
		Setup:   "The admin disables the key. May the test user still describe the table?",
		Change:  "DisableKey, then EnableKey",
		Predict: "user-describe",
		Expect:  map[string]awsops.Decision{"user-describe": awsops.Allowed},
		Why:     "A table's metadata is not encrypted with its key.",
		CLI: func(ledger.Names, awsops.Identity) []string {
			return []string{"aws kms disable-key --key-id \"$KEY_ID\""}
		},
		Do: func(ctx context.Context, e *awsops.Experiment, _ string) error {
			if err := e.SetKeyEnabled(ctx, false); err != nil {
				return err
			}
			e.Trace(ctx)
			e.Probe(ctx, awsops.ProbeSpec{Name: "user-describe", As: awsops.AsTestUser, Call: awsops.CallDescribeTable})
			return nil
		},
	}
}
