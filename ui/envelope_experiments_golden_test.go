package ui

import (
	"context"
	"encoding/binary"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"kmslab/awsops"
	"kmslab/sim"
	"kmslab/steps"
)

// TestGoldenEnvelopeExperiments pins the result screen of each of the
// envelope lab's experiments at 80x24 and 120x40. The results are real:
// the lab is walked to its last part and every experiment run against the
// offline AWS, on a fixed clock and a seeded random stream (so key ids and
// ciphertexts are the same every time; the ids are masked anyway); the
// screens are then drawn from those outcomes, each predicted as AWS decided.
func TestGoldenEnvelopeExperiments(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the envelope lab against the offline AWS")
	}
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	fixed := time.Date(2026, 1, 15, 9, 30, 0, 0, time.UTC)
	var seed [32]byte
	binary.LittleEndian.PutUint64(seed[:], 1)
	_, lab, id := offlineLab(t, ctx, sim.Options{Clock: func() time.Time { return fixed }, Rand: rand.NewChaCha8(seed)}, awsops.Options{RunID: "env01", Clock: func() time.Time { return fixed }})
	course := steps.Envelope()
	after := course.ExperimentsAfter()
	var done []steps.Outcome
	for _, st := range course.Steps[:after+1] {
		o := st.Run(ctx, lab)
		if !o.Status.Succeeded() {
			t.Fatalf("step %s: %s %v", st.ID, o.Summary, o.Err)
		}
		done = append(done, o)
	}
	xs := course.NumberedExperiments()
	results := make([]steps.ExperimentOutcome, len(xs))
	for i, x := range xs {
		results[i] = x.Run(ctx, lab, "")
		if len(results[i].Problems) > 0 || results[i].Err != nil {
			t.Fatalf("experiment %d (%s): %v %v", x.Number, x.ID, results[i].Problems, results[i].Err)
		}
	}
	if len(xs) != 5 {
		t.Errorf("%d envelope experiments, the goldens expect 5", len(xs))
	}

	dark := true
	for _, size := range []struct {
		name string
		w, h int
	}{{"80x24", 80, 24}, {"120x40", 120, 40}} {
		for i, x := range xs {
			t.Run(x.ID+"_"+size.name, func(t *testing.T) {
				t.Parallel()
				m := New(Options{Course: course, Identity: id, Names: lab.Names(), Mode: Offline,
					Width: size.w, Height: size.h, Dark: &dark, SaveDir: t.TempDir()})
				for j, o := range done {
					m.steps[j] = stepState{status: fromStepStatus(o.Status), outcome: o, ran: true}
				}
				m.goTo(screenStep, after)
				m.experiments.exec = func(context.Context, steps.Experiment, string) steps.ExperimentOutcome { return results[i] }
				keys := []string{"w"}
				for range i {
					keys = append(keys, "down")
				}
				predict := "d"
				if results[i].Actual(x) == awsops.Allowed {
					predict = "a"
				}
				m, _ = press(t, m, append(keys, "enter", predict)...)
				if m.screen != screenExperiments || m.experiments.phase != expResult {
					t.Fatalf("screen %d phase %d, want experiment %d's result", m.screen, m.experiments.phase, x.Number)
				}
				screen := maskIDs(plain(m))
				if !strings.Contains(screen, "You predicted") || !strings.Contains(screen, ": right.") {
					t.Errorf("the result screen does not open on the prediction, judged right:\n%s", screen)
				}
				golden.RequireEqual(t, screen)
			})
		}
	}
}
