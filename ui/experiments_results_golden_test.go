package ui

import (
	"context"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"kmslab/awsops"
	"kmslab/internal/simtest"
	"kmslab/policy"
	"kmslab/sim"
	"kmslab/steps"
)

// TestGoldenExperimentResults is every experiment of the first lab run for
// real against the offline AWS (seeded ids, a clock that skips DynamoDB's
// key cache waits), its result drawn at 80x24 and 120x40: the top of the
// result (the prediction, each probe with the why told from its own trace)
// and the trace of the predicted call. Every decision sentence on them is
// policy.Narrate's of that probe's trace (TestGoldensStateDecisionsOnlyThroughNarrate
// reads these goldens too); ids the offline AWS draws are masked.
func TestGoldenExperimentResults(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the lab against the offline AWS")
	}
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	clock := &simtest.SkipClock{}
	_, lab, id := offlineLab(t, ctx, sim.Options{Clock: clock.Now, Rand: rand.NewChaCha8([32]byte{'e', 'x', 'p'})}, awsops.Options{RunID: "res01",
		Clock: clock.Now, Sleep: clock.Sleep, KeyCacheTTL: sim.DefaultKeyCache,
		WaitTimeout: 10 * time.Second, InitialBackoff: 5 * time.Millisecond, MaxBackoff: 40 * time.Millisecond})
	course := steps.KMS()
	var parts []steps.Outcome
	for _, st := range course.Steps[:6] {
		o := st.Run(ctx, lab)
		if !o.Status.Succeeded() {
			t.Fatalf("%s: %v", st.ID, o.Err)
		}
		parts = append(parts, o)
	}
	outcomes := map[string]steps.ExperimentOutcome{}
	for _, x := range course.Experiments {
		own := ""
		if x.YourPolicy {
			kp, err := lab.GetKeyPolicy(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if own, err = steps.SampleOwnPolicy(kp, "arn:aws:iam::"+id.Account+":user/"+lab.Names().User); err != nil {
				t.Fatal(err)
			}
		}
		o := x.Run(ctx, lab, own)
		if o.Err != nil || len(o.Problems) > 0 {
			t.Fatalf("%s: %v %v", x.ID, o.Err, o.Problems)
		}
		outcomes[x.ID] = o
	}

	dark := true
	for _, size := range []struct{ w, h int }{{80, 24}, {120, 40}} {
		for i, x := range course.Experiments {
			name := fmt.Sprintf("%02d_%s_%dx%d", i+1, x.ID, size.w, size.h)
			t.Run(name, func(t *testing.T) {
				m := New(Options{Course: course, Identity: id, Names: lab.Names(), Mode: Offline,
					Width: size.w, Height: size.h, Dark: &dark, SaveDir: t.TempDir()})
				for j, o := range parts {
					m.steps[j] = stepState{status: fromStepStatus(o.Status), outcome: o, ran: true, run: 0}
				}
				m.goTo(screenStep, 5)
				m.experiments.exec = func(context.Context, steps.Experiment, string) steps.ExperimentOutcome { return outcomes[x.ID] }
				m, _ = press(t, m, "w")
				m.experiments.cursor = i
				m.experiments.policy = "{}" // the learner's policy, applied above
				// Predict the expected decision for odd experiments, the
				// other for even ones: both marks are on the goldens.
				want := x.Expect[x.Predict]
				if x.YourPolicy {
					want = outcomes[x.ID].Actual(x)
				}
				key := map[bool]string{true: "a", false: "d"}[(want == awsops.Allowed) == (i%2 == 0)]
				m, _ = press(t, m, "enter", key)
				if m.experiments.phase != expResult {
					t.Fatalf("no result (phase %d)", m.experiments.phase)
				}
				checkResultSentences(t, m, outcomes[x.ID])
				golden.RequireEqual(t, maskResultIDs(plain(m)))
				t.Run("trace", func(t *testing.T) {
					golden.RequireEqual(t, maskResultIDs(plain(expScrolledTo(t, m, "Trace · "))))
				})
			})
		}
	}
}

// checkResultSentences: every probe's why on the result is its own trace
// told by policy.Narrate, and it states the decision AWS returned.
func checkResultSentences(t *testing.T, m Model, o steps.ExperimentOutcome) {
	t.Helper()
	// Compared without spaces: a word wider than the line (a grant's id)
	// is split where the line ends.
	flat := strings.Join(strings.Fields(ansi.Strip(strings.Join(m.experiments.pane.lines, "\n"))), "")
	for _, p := range o.Trial.Probes {
		if p.Told == nil {
			t.Errorf("%s: no trace told", p.Call)
			continue
		}
		if p.Told.Allowed != (p.Decision == awsops.Allowed) || *p.Told != policy.Narrate(p.Trace.Trace) {
			t.Errorf("%s: AWS said %s, the why says %q", p.Call, p.Decision, p.Told.Summary)
		}
		if !strings.Contains(flat, "why:"+strings.Join(strings.Fields(p.Told.Summary), "")) {
			t.Errorf("%s: its why is not on the result whole:\n%s", p.Call, flat)
		}
		if p.TableTold != nil && (*p.TableTold != policy.Narrate(p.TableTrace.Trace) ||
			!strings.Contains(flat, "DynamoDB:"+strings.Join(strings.Fields(p.TableTold.Summary), ""))) {
			t.Errorf("%s: DynamoDB's part %q is not Narrate's of its trace, whole on the result", p.Call, p.TableTold.Summary)
		}
	}
}

// expScrolledTo scrolls the experiments pane to the first line holding marker.
func expScrolledTo(t *testing.T, m Model, marker string) Model {
	t.Helper()
	for i, l := range m.experiments.pane.lines {
		if strings.Contains(ansi.Strip(l), marker) {
			m.experiments.pane.pinned = false
			m.experiments.pane.vp.SetYOffset(max(i-1, 0))
			m.cacheChrome()
			return m
		}
	}
	t.Fatalf("%q is not on the result", marker)
	return m
}

// grantIDs are KMS grant ids: 64 hex digits, drawn at random.
var grantIDs = regexp.MustCompile(`[0-9a-f]{64}`)

func maskResultIDs(s string) string {
	return maskIDs(grantIDs.ReplaceAllStringFunc(s, func(m string) string { return strings.Repeat("#", len(m)) }))
}
