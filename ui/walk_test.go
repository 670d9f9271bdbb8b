package ui

import (
	"testing"

	"kmslab/steps"
)

// TestExperimentsOpen: the what-ifs open from the last part or later once
// it reached the state the lab wants, never while a job runs or once
// cleanup ran, and never in a lab without experiments.
func TestExperimentsOpen(t *testing.T) {
	t.Parallel()
	const last, cleanup = 5, 6
	cases := []struct {
		name        string
		experiments bool
		cur         int
		lastStatus  status
		cleanupRan  bool
		busy        bool
		want        bool
	}{
		{"on part 6, done", true, last, statusDone, false, false, true},
		{"on part 6, denied as expected", true, last, statusDenied, false, false, true},
		{"on cleanup, not run", true, cleanup, statusDone, false, false, true},
		{"before part 6", true, last - 1, statusDone, false, false, false},
		{"part 6 failed", true, last, statusFailed, false, false, false},
		{"part 6 not run", true, last, statusPending, false, false, false},
		{"cleanup ran", true, last, statusDone, true, false, false},
		{"a job runs", true, last, statusDone, false, true, false},
		{"no experiments", false, last, statusDone, false, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var x []steps.Experiment
			if tc.experiments {
				x = steps.Experiments()
			}
			w := newWalk(fxCourse(fixtureSteps(), x...), nil)
			w.cur = tc.cur
			w.steps[last].status = tc.lastStatus
			w.steps[cleanup].ran = tc.cleanupRan
			if tc.busy {
				w.job = 1
			}
			if got := w.experimentsOpen(); got != tc.want {
				t.Errorf("experimentsOpen() = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestLeftoversWithoutLedger: without a ledger, a step that produced
// something created it; one that failed may have; a cleanup that removed
// everything leaves nothing, one that left something does not clear it.
func TestLeftoversWithoutLedger(t *testing.T) {
	t.Parallel()
	const cleanup = 6
	cases := []struct {
		name        string
		set         func(w *walk)
		sure, maybe bool
	}{
		{"nothing ran", func(*walk) {}, false, false},
		{"part 1 done", func(w *walk) { w.steps[0] = stepState{status: statusDone, ran: true} }, true, false},
		{"part 1 failed", func(w *walk) { w.steps[0] = stepState{status: statusFailed, ran: true} }, false, true},
		{"cleanup removed all", func(w *walk) {
			w.steps[0] = stepState{status: statusDone, ran: true}
			w.steps[cleanup] = stepState{status: statusDone, ran: true, outcome: fxOutcomes[cleanup]}
		}, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWalk(fxCourse(fixtureSteps()), nil)
			tc.set(&w)
			if sure, maybe := w.leftovers(nil); sure != tc.sure || maybe != tc.maybe {
				t.Errorf("leftovers() = %v, %v, want %v, %v", sure, maybe, tc.sure, tc.maybe)
			}
		})
	}
}
