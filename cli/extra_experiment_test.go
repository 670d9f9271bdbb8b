package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"kmslab/internal/labtest"
	"kmslab/steps"
)

// TestRunALabWithAnExtraExperiment runs, through `kmslab run
// --experiments`, a lab that has one more experiment than the KMS lab,
// labtest.ExtraExperiment, built from steps and awsops' building blocks
// alone: nothing else needs to know about it.
func TestRunALabWithAnExtraExperiment(t *testing.T) {
	t.Parallel()
	course := steps.KMS()
	extra := labtest.ExtraExperiment()
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
