package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"kmslab/awsops"
	"kmslab/awsops/explain"
	"kmslab/awsops/policydoc"
	"kmslab/policy"
	"kmslab/steps"
)

// fxKeyPolicyDiff is experiment 1's change: the user out of the key policy.
var fxKeyPolicyDiff = policydoc.DiffPolicies(fxPolicyAfter, fxPolicyBefore)

// fxTrial is experiment 1 as a run against AWS reports it, with the
// fixture's names: the user out of the key policy, an IAM policy in.
func fxTrial() steps.ExperimentOutcome {
	return steps.ExperimentOutcome{Trial: awsops.Trial{
		ID: "iam-instead",
		Probes: []awsops.Probe{
			fxProbe(awsops.Probe{Name: steps.ProbeRead, Call: "Scan as kmslab-user-demo01", Decision: awsops.Allowed, Items: 1}),
			fxProbe(awsops.Probe{Name: steps.ProbeDecrypt, Call: "kms Decrypt as kmslab-user-demo01", Decision: awsops.Allowed}),
		},
		Diffs: []awsops.Diff{
			{Label: "key policy", Text: fxKeyPolicyDiff.Unified(), Policy: &fxKeyPolicyDiff},
			{Label: "IAM policy kmslab-demo01-decrypt (new, attached to kmslab-user-demo01)", Text: "--- IAM policy kmslab-demo01-decrypt (none)\n" +
				"+++ IAM policy kmslab-demo01-decrypt\n@@ -0,0 +1,8 @@\n+{\n+  \"Version\": \"2012-10-17\",\n+  \"Statement\": [\n" +
				"+    {\"Effect\": \"Allow\", \"Action\": [\"kms:Decrypt\"], \"Resource\": \"" + fxKeyARN + "\"}\n+  ]\n+}\n"},
		},
		Restored: true,
	}}
}

// fxIAMInsteadTrace is experiment 1's kms:Decrypt by the test user: the key
// policy hands the decision to IAM, and the new IAM policy allows.
func fxIAMInsteadTrace() *explain.Trace {
	return &explain.Trace{Trace: &policy.Trace{
		Principal: fxUserARN, Action: "kms:Decrypt", Resource: fxKeyARN, KMS: true, KeyState: "Enabled",
		Policies: []policy.PolicyTrace{
			{Kind: policy.KindKeyPolicy, Decision: policy.Allow, Statements: []policy.StatementTrace{
				{Index: 0, Sid: "Enable IAM User Permissions", Effect: "Allow", Applies: true, Delegates: true},
				{Index: 1, Sid: "Allow use of the key", Effect: "Allow",
					Principal: &policy.Check{Why: "names " + fxAdmin + ", not this caller"}},
			}},
			{Kind: policy.KindManaged, Name: "kmslab-demo01-decrypt", Decision: policy.Allow, Statements: []policy.StatementTrace{
				{Index: 0, Effect: "Allow", Action: policy.Check{Match: true}, Resource: policy.Check{Match: true}, Applies: true},
			}},
		},
		Steps: []policy.Step{{Rule: "An identity-based policy allows, and the key policy delegates to the account.",
			Finding: "managed policy kmslab-demo01-decrypt allows kms:Decrypt.", Decisive: true}},
		Decision: policy.Allow, Reason: policy.Allowed,
	}, Simulator: "allowed"}
}

// fxProbe gives a probe its own trace, told as awsops tells it.
func fxProbe(p awsops.Probe) awsops.Probe {
	p.Trace = fxIAMInsteadTrace()
	told := policy.Narrate(p.Trace.Trace)
	p.Told = &told
	return p
}

// expFixture is the fixture walkthrough at part 6 with the what-ifs open,
// experiments answered by fxTrial.
func expFixture(t *testing.T, w, h int) Model {
	t.Helper()
	dark := true
	m := New(Options{Course: fxCourse(fixtureSteps(), steps.Experiments()...), Identity: fxIdentity, Names: fxNames, Mode: Offline,
		Width: w, Height: h, Dark: &dark})
	m = atStep(m, 5)
	m.experiments.exec = func(context.Context, steps.Experiment, string) steps.ExperimentOutcome { return fxTrial() }
	m, _ = press(t, m, "w")
	if m.screen != screenExperiments {
		t.Fatalf("w did not open the experiments (screen %d)", m.screen)
	}
	return m
}

// TestGoldenExperiments pins the experiment list, one experiment's setup,
// and a result with its diff and trace, at 100x30 (the full result at 100x80).
func TestGoldenExperiments(t *testing.T) {
	const w, h = 100, 30
	cases := []struct {
		name   string
		h      int
		keys   []string
		colors bool
	}{
		{"list", h, nil, false},
		{"setup", h, []string{"enter"}, false},
		{"result", h, []string{"enter", "d"}, true}, // predicted denied: wrong
		// Tall enough for the whole result: diffs and trace.
		{"result_full", 80, []string{"enter", "d"}, false},
		{"list_scored", h, []string{"enter", "a", "enter"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := expFixture(t, w, tc.h)
			m, _ = press(t, m, tc.keys...)
			golden.RequireEqual(t, plain(m))
			if tc.colors {
				t.Run("ansi256", func(t *testing.T) {
					golden.RequireEqual(t, downsample(m.View().Content, colorprofile.ANSI256))
				})
			}
		})
	}
}

// TestExperimentsKeys checks the keys' effects without AWS: w only after
// part 6, Enter on a result walks to the next what-if, esc goes back to the
// step the list was opened from, and the summary carries the score.
func TestExperimentsKeys(t *testing.T) {
	dark := true
	m := New(Options{Course: fxCourse(fixtureSteps(), steps.Experiments()...), Identity: fxIdentity, Names: fxNames, Mode: Offline,
		Width: 100, Height: 30, Dark: &dark})
	m = atStep(m, 4)
	if m, _ = press(t, m, "w"); m.screen != screenStep {
		t.Fatalf("w opened the experiments before part 6")
	}
	m = expFixture(t, 100, 30)
	m, _ = press(t, m, "enter", "a")
	if m.experiments.phase != expResult || !m.experiments.records[0].right(m.experiments.list[0]) {
		t.Fatalf("phase %d, record %+v", m.experiments.phase, m.experiments.records[0])
	}
	m, _ = press(t, m, "enter")
	if m.experiments.cursor != 1 || m.experiments.phase != expList {
		t.Errorf("after the result: cursor %d phase %d, want the next what-if in the list", m.experiments.cursor, m.experiments.phase)
	}
	m, _ = press(t, m, "esc")
	if m.screen != screenStep || m.cur != 5 {
		t.Errorf("esc: screen %d step %d, want part 6", m.screen, m.cur)
	}
	m.goTo(screenSummary, 0)
	if c := content(m); !containsLine(c, "Your predictions:", "1 of 1 predictions right") {
		t.Errorf("summary lacks the score:\n%s", c)
	}
}

// TestExperimentNotesNotDim: a result's notes (a probe's, the trial's, the
// table key cache's) wrap at 80 columns in the text's own color: a muted
// line, wrapped, was a dim paragraph that a projector washes out.
func TestExperimentNotesNotDim(t *testing.T) {
	t.Parallel()
	const note = "DynamoDB kept using its cached table key for this read: a change to the key policy reaches the table only after the cache expires, so the read still succeeded."
	m := expFixture(t, 80, 200)
	m.experiments.exec = func(context.Context, steps.Experiment, string) steps.ExperimentOutcome {
		o := fxTrial()
		o.Trial.Probes[0].Note = "probe " + note
		o.Trial.Notes = []string{"trial " + note}
		o.Trial.CacheTTL = 5 * time.Minute
		return o
	}
	m, _ = press(t, m, "enter", "a")
	mute, _, _ := strings.Cut(m.c.styles.Muted.Render("x"), "x")
	view := m.View().Content
	seen := 0
	for l := range strings.SplitSeq(view, "\n") {
		plainLine := ansi.Strip(l)
		if !strings.Contains(plainLine, "cache") && !strings.Contains(plainLine, "succeeded") {
			continue
		}
		seen++
		if strings.Contains(l, mute) {
			t.Errorf("a note's line is drawn muted: %q", plainLine)
		}
	}
	if seen < 3 {
		t.Fatalf("found %d note lines, want the notes on screen:\n%s", seen, ansi.Strip(view))
	}
}
