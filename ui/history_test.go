package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"kmslab/awsops"
	"kmslab/steps"
)

// cleanedExtras is fakeExtras until cleanup runs; then the table is gone
// and the trail ends with cleanup's calls, as in the offline AWS.
type cleanedExtras struct {
	fakeExtras
	cleaned *atomic.Bool
}

func (x cleanedExtras) AtRest(table string) (AtRest, error) {
	if x.cleaned.Load() {
		return AtRest{}, errors.New("no table")
	}
	return x.fakeExtras.AtRest(table)
}

func (x cleanedExtras) Audit() []AuditEvent {
	ev := x.fakeExtras.Audit()
	if x.cleaned.Load() {
		ev = append(ev, AuditEvent{Time: fxTime.Add(time.Minute), Service: "kms", Operation: "ScheduleKeyDeletion", Caller: fxAdmin, Decision: "Allow"})
	}
	return ev
}

// TestHistoryAfterCleanup: going back to part 5 after cleanup shows its
// panels as they were when it ran (the table at rest, the trail ending with
// the denial), marked as history, not today's empty table and cleanup's
// calls; the latest step's panels stay live. Goldens at 80x24 and 120x40.
func TestHistoryAfterCleanup(t *testing.T) {
	t.Parallel()
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			t.Parallel()
			var cleaned atomic.Bool
			course := fxCourse(fixtureSteps())
			last := len(course.Steps) - 1
			run := course.Steps[last].Run
			course.Steps[last].Run = func(ctx context.Context, lab *awsops.Lab) steps.Outcome {
				cleaned.Store(true)
				return run(ctx, lab)
			}
			dark := true
			m := New(Options{Course: course, Identity: fxIdentity, Names: fxNames, Mode: Offline,
				Extras: cleanedExtras{cleaned: &cleaned}, Width: size[0], Height: size[1], Dark: &dark})
			keys := []string{"enter"}
			for range course.Steps {
				keys = append(keys, "enter", "enter") // run, continue
			}
			m, _ = press(t, m, keys...)
			if m.screen != screenSummary || !cleaned.Load() {
				t.Fatalf("did not walk to the summary through cleanup (screen %d)", m.screen)
			}

			m.goTo(screenStep, last)
			if live := content(m); strings.Contains(live, "HISTORY") || !strings.Contains(live, "ScheduleKeyDeletion") {
				t.Errorf("cleanup, the latest step, should show the live panels:\n%s", live)
			}
			m.goTo(screenStep, 4)
			got := content(m)
			for _, want := range []string{"AT REST · HISTORY", "AUDIT TRAIL · HISTORY", "as it was when this step ran", "Item 1 as stored"} {
				if !strings.Contains(got, want) {
					t.Errorf("part 5 after cleanup lacks %q:\n%s", want, got)
				}
			}
			for _, gone := range []string{"No table exists", "ScheduleKeyDeletion"} {
				if strings.Contains(got, gone) {
					t.Errorf("part 5 after cleanup shows today's state (%q):\n%s", gone, got)
				}
			}
			golden.RequireEqual(t, plain(scrolledTo(t, m, "AT REST · HISTORY")))
		})
	}
}
