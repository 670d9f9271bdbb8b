package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"kmslab/awsops"
	"kmslab/internal/labtest"
	"kmslab/internal/simtest"
	"kmslab/sim"
	"kmslab/steps"
)

// TestExperimentsEndToEnd walks the lab to part 6 with Enter, opens the
// what-ifs with w, runs every experiment, and one more defined here with
// steps and awsops alone (labtest.ExtraExperiment), with keys (predictions alternately
// right and wrong; the own policy first saved broken, then fixed, in the
// textarea), goes back and walks on to cleanup and the summary's score.
func TestExperimentsEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	t.Setenv("VISUAL", "")
	t.Setenv("EDITOR", "")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	clock := &simtest.SkipClock{}
	feed := NewProgressFeed()
	_, lab, id := offlineLab(t, ctx, sim.Options{Clock: clock.Now}, awsops.Options{Progress: feed.Report, RunID: "e2e02",
		Clock: clock.Now, Sleep: clock.Sleep, KeyCacheTTL: sim.DefaultKeyCache,
		WaitTimeout: 10 * time.Second, InitialBackoff: 5 * time.Millisecond, MaxBackoff: 40 * time.Millisecond})
	dark := true
	course := steps.KMS()
	course.Experiments = append(course.Experiments, labtest.ExtraExperiment())
	exps := course.Experiments
	m := New(Options{Lab: lab, Course: course, Identity: id, Mode: Offline, Progress: feed, Dark: &dark,
		Context: ctx})

	tm, waitModel := runWatched(t, m)
	send := func(keys ...string) {
		for _, k := range keys {
			tm.Send(keyMsg(k))
		}
	}

	send("enter")
	waitModel("part 1", func(m Model) bool { return m.screen == screenStep && m.cur == 0 })
	for i := 0; i < 6; i++ {
		send("enter")
		got := waitModel("part to finish", func(m Model) bool {
			s := m.steps[i].status
			return m.running < 0 && s != statusPending && s != statusRunning
		})
		if got.steps[i].status == statusFailed {
			t.Fatalf("part %d failed: %v", i+1, got.steps[i].outcome.Err)
		}
		if i < 5 {
			send("enter")
		}
	}
	send("w")
	waitModel("experiments list", func(m Model) bool { return m.screen == screenExperiments && m.experiments.phase == expList })

	right := 0
	for i, x := range exps {
		send("enter")
		waitModel("setup of "+x.ID, func(m Model) bool { return m.experiments.phase == expSetup && m.experiments.cursor == i })
		want := x.Expect[x.Predict]
		if x.YourPolicy {
			send("enter") // open the textarea on the current key policy
			waitModel("the policy editor", func(m Model) bool { return m.experiments.phase == expEditing })
			send("x", "ctrl+s") // a stray letter before the opening brace
			got := waitModel("the refusal", func(m Model) bool { return m.experiments.policyErr != "" })
			if !strings.Contains(got.experiments.policyErr, "line 1") || !strings.Contains(ansi.Strip(got.View().Content), "line 1") {
				t.Errorf("refusal %q does not show its line", got.experiments.policyErr)
			}
			send("backspace", "ctrl+s")
			waitModel("the policy accepted", func(m Model) bool { return m.experiments.phase == expSetup && m.experiments.policy != "" })
			want = awsops.Allowed // the unchanged policy still names the user
		}
		predict, isRight := "a", want == awsops.Allowed
		if i%2 == 1 { // every other prediction wrong
			isRight = !isRight
		}
		if !isRight {
			predict = "d"
		}
		if want == awsops.Refused {
			if isRight {
				predict = "d"
			} else {
				predict = "a"
			}
		}
		send(predict)
		got := waitModel("result of "+x.ID, func(m Model) bool { return m.experiments.phase == expResult })
		rec := got.experiments.records[i]
		if len(rec.outcome.Problems) > 0 {
			t.Errorf("%s: %v", x.ID, rec.outcome.Problems)
		}
		if rec.right(x) != isRight {
			t.Errorf("%s: judged right=%v, want %v (predicted %s, actual %s)", x.ID, rec.right(x), isRight, rec.predicted, rec.outcome.Actual(x))
		}
		if isRight {
			right++
		}
		screen := content(got)
		// Each probe that reached KMS is explained by its own trace, told
		// as policy.Narrate tells it, in the words of AWS's answer.
		for _, p := range rec.outcome.Trial.Probes {
			if p.Told == nil {
				continue
			}
			if p.Told.Allowed != (p.Decision == awsops.Allowed) {
				t.Errorf("%s: %s answered %s, the screen's why says %q", x.ID, p.Call, p.Decision, p.Told.Summary)
			}
			if !strings.Contains(strings.Join(strings.Fields(screen), " "), "why: "+p.Told.Summary[:40]) {
				t.Errorf("%s: %s: its why is not on the screen", x.ID, p.Call)
			}
		}
		for _, w := range []string{"Result", "Lesson:", "What changed", "Restored the end of part 6"} {
			if !strings.Contains(screen, w) {
				t.Errorf("%s: result lacks %q:\n%s", x.ID, w, screen)
			}
		}
		send("enter")
		waitModel("back to the list", func(m Model) bool { return m.experiments.phase == expList })
	}
	got := waitModel("score", func(m Model) bool { return m.experiments.score() != "" })
	wantScore := itoa(right) + " of " + itoa(len(exps)) + " predictions right"
	if got.experiments.score() != wantScore {
		t.Errorf("score %q, want %q", got.experiments.score(), wantScore)
	}
	send("esc")
	waitModel("back at part 6", func(m Model) bool { return m.screen == screenStep && m.cur == 5 })
	send("enter") // to cleanup
	send("enter") // run it
	waitModel("cleanup", func(m Model) bool { return m.steps[6].status == statusDone })
	send("enter")
	final := waitModel("summary", func(m Model) bool { return m.screen == screenSummary })
	if c := content(final); !strings.Contains(c, "Your predictions: "+wantScore) {
		t.Errorf("summary lacks the score:\n%s", c)
	}
	send("enter")
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
}
