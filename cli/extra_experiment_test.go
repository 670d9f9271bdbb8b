package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"kmslab/awsops"
	"kmslab/steps"
)

// TestRunALabWithAnExtraExperiment runs, through `kmslab run
// --experiments`, a lab that has one more experiment than the KMS lab,
// defined here with steps and awsops' building blocks alone: nothing else
// needs to know about it.
func TestRunALabWithAnExtraExperiment(t *testing.T) {
	t.Parallel()
	course := steps.KMS()
	extra := steps.Experiment{
		ID: "describe-disabled", Title: "Metadata of a disabled key's table",
		Setup:   "The admin disables the key. May the test user still describe the table?",
		Change:  "DisableKey, then EnableKey",
		Predict: "user-describe",
		Expect:  map[string]awsops.Decision{"user-describe": awsops.Allowed},
		Why:     "A table's metadata is not encrypted with its key.",
		CLI: func(awsops.Names, awsops.Identity) []string {
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
	course.Experiments = []steps.Experiment{course.Experiments[0], extra}
	var out, errOut bytes.Buffer
	if err := runCourse(context.Background(), &out, &errOut, &globals{seed: 7, seeded: true}, course, false, true); err != nil {
		t.Fatalf("run: %v\n%s\n%s", err, out.String(), errOut.String())
	}
	report := out.String()
	for _, want := range []string{
		"Experiment 2 · Metadata of a disabled key's table",
		"DescribeTable as kmslab-user-",
		"(table ACTIVE)",
		"A table's metadata is not encrypted with its key.",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("the report lacks %q:\n%s", want, report)
		}
	}
	if n := strings.Count(report, "✓ restored the end of part 6"); n != 2 {
		t.Errorf("%d experiments restored, want 2:\n%s", n, report)
	}
}
