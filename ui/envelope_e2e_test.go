package ui

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"kmslab/awsops"
	"kmslab/awsops/ledger"
	"kmslab/sim"
	"kmslab/steps"
)

// The envelope lab walked in the TUI against the offline AWS, Enter after
// Enter, as the first lab is: every part reaches what the lab must, part 5
// shows the denial with its WHY, and cleanup leaves nothing. Its screens
// are then kept as goldens at 80x24 and 120x40, with the ids the offline
// AWS draws at random masked.
func TestEnvelopeEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	fixed := time.Date(2026, 1, 15, 9, 30, 0, 0, time.UTC)
	feed := NewProgressFeed()
	_, lab, id := offlineLab(t, ctx, sim.Options{Clock: func() time.Time { return fixed }}, awsops.Options{Progress: feed.Report, RunID: "env01", Clock: func() time.Time { return fixed }})
	dark := true
	course := steps.Envelope()
	course.Experiments = nil // walked by steps' tests; here the parts and cleanup
	m := New(Options{Lab: lab, Course: course, Identity: id, Mode: Offline, Progress: feed, Dark: &dark, Context: ctx})

	tm, waitModel := runWatched(t, m)
	enter := func() { tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter}) }
	enter() // welcome -> part 1
	waitModel("part 1", func(m Model) bool { return m.screen == screenStep && m.cur == 0 })
	var outcomes []steps.Outcome
	for i, st := range course.Steps {
		enter() // run
		got := waitModel("step "+st.ID+" to finish", func(m Model) bool {
			s := m.steps[i].status
			return m.running < 0 && s != statusPending && s != statusRunning
		})
		if got.steps[i].status == statusFailed {
			t.Fatalf("step %s failed: %v", st.ID, got.steps[i].outcome.Err)
		}
		outcomes = append(outcomes, got.steps[i].outcome)
		screen := ansi.Strip(got.View().Content)
		if st.ID == "env-denied" {
			for _, want := range []string{"ACCESS DENIED", "kms:Decrypt"} {
				if !strings.Contains(screen, want) {
					t.Errorf("part 5 screen lacks %q:\n%s", want, screen)
				}
			}
		}
		enter() // continue
	}
	final := waitModel("summary", func(m Model) bool { return m.screen == screenSummary })
	if final.resourcesPresent(final.c.run.lab) {
		t.Error("resources still present after cleanup")
	}
	enter()
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	if why := course.Verdict(outcomes); why != "" {
		t.Errorf("verdict: %s", why)
	}

	// The screens, from what this run produced.
	names := ledger.NewNames("env01")
	for _, size := range []struct {
		name string
		w, h int
	}{{"80x24", 80, 24}, {"120x40", 120, 40}} {
		for i, st := range course.Steps {
			t.Run("envelope_"+st.ID+"_"+size.name, func(t *testing.T) {
				m := New(Options{Course: course, Identity: id, Names: names, Mode: Offline, Width: size.w, Height: size.h, Dark: &dark, SaveDir: t.TempDir()})
				for j := 0; j <= i; j++ {
					o := outcomes[j]
					m.steps[j] = stepState{status: fromStepStatus(o.Status), outcome: o, ran: true, run: 0}
				}
				m.goTo(screenStep, i)
				m.part.refresh(true)
				m.part.showResult()
				m.cacheChrome()
				golden.RequireEqual(t, maskIDs(plain(m)))
			})
		}
		t.Run("envelope_welcome_"+size.name, func(t *testing.T) {
			m := New(Options{Course: course, Identity: id, Names: names, Mode: Offline, Width: size.w, Height: size.h, Dark: &dark, SaveDir: t.TempDir()})
			golden.RequireEqual(t, maskIDs(plain(m)))
		})
	}
}

// randomIDs are what the offline AWS draws at random: key ids, access key
// ids, material ids, ciphertext.
var randomIDs = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|AKIA[0-9A-Z]{16}|SHA-256 [0-9a-f]{8}|material [0-9a-f]{12}|[A-Za-z0-9+/]{24}…`)

func maskIDs(s string) string {
	return randomIDs.ReplaceAllStringFunc(s, func(m string) string { return strings.Repeat("#", len([]rune(m))) })
}
