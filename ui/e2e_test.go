package ui

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"kmslab/awsops"
	"kmslab/sim"
	"kmslab/steps"
)

// simExtras adapts the simulator for the test as main does for the program.
type simExtras struct{ srv *sim.Server }

func (e simExtras) AtRest(table string) (AtRest, error) {
	ar, err := e.srv.Inspect(table)
	if err != nil {
		return AtRest{}, err
	}
	out := AtRest{WrappedKey: ar.WrappedTableKey}
	for _, it := range ar.Items {
		out.Items = append(out.Items, StoredItem{KeyHash: it.KeyHash, Ciphertext: it.Ciphertext})
	}
	return out, nil
}

func (e simExtras) Audit() []AuditEvent {
	var out []AuditEvent
	for _, ev := range e.srv.Audit() {
		out = append(out, AuditEvent{Time: ev.Time, Service: strings.TrimSuffix(ev.Source, ".amazonaws.com"),
			Operation: ev.Name, Caller: ev.Identity.ARN, InvokedBy: ev.Identity.InvokedBy,
			Decision: ev.Decision, ErrorCode: ev.ErrorCode})
	}
	return out
}

// probeMsg makes the program pass its current model through the filter.
type probeMsg struct{}

// TestEndToEndOffline drives the real TUI in a teatest program through every
// part against the offline AWS with Enter alone, then checks the decisive
// screens: the denial names kms:Decrypt on the key, and the policy diff adds
// the test user's ARN.
func TestEndToEndOffline(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	feed := NewProgressFeed()
	srv, lab, id := offlineLab(t, ctx, sim.Options{}, awsops.Options{Progress: feed.Report, RunID: "e2e01"})
	dark := true
	m := New(Options{Lab: lab, Course: fxCourse(steps.All()), Identity: id, Mode: Offline, Extras: simExtras{srv},
		Progress: feed, Dark: &dark, Context: ctx})

	tm, waitModel := runWatched(t, m)
	enter := func() { tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter}) }

	enter() // welcome -> part 1
	waitModel("part 1", func(m Model) bool { return m.screen == screenStep && m.cur == 0 })
	all := steps.All()
	for i := range all {
		enter() // run
		got := waitModel("step "+all[i].ID+" to finish", func(m Model) bool {
			s := m.steps[i].status
			return m.running < 0 && s != statusPending && s != statusRunning
		})
		if s := got.steps[i].status; s == statusFailed {
			t.Fatalf("step %s failed: %v", all[i].ID, got.steps[i].outcome.Err)
		}
		screen := ansi.Strip(got.View().Content)
		switch all[i].Part {
		case 5:
			if got.steps[i].status != statusDenied {
				t.Fatalf("part 5 status %d, want denied as expected", got.steps[i].status)
			}
			r, ok := got.steps[i].outcome.Result.(steps.ReadDenied)
			if !ok {
				t.Fatalf("part 5 result %T", got.steps[i].outcome.Result)
			}
			d := r.Denied
			for _, want := range []string{"ACCESS DENIED", "kms:Decrypt", "Denied action"} {
				if !strings.Contains(screen, want) {
					t.Errorf("denied screen lacks %q:\n%s", want, screen)
				}
			}
			// The ARN may wrap inside the frame: compare without frame and blanks.
			flat := strings.NewReplacer("┃", "", "│", "", " ", "", "\n", "").Replace(content(got))
			if d.Action != "kms:Decrypt" || !strings.Contains(flat, "Key"+d.Resource) {
				t.Errorf("denied: action %q, key %q not on screen:\n%s", d.Action, d.Resource, screen)
			}
		case 6:
			userARN := got.steps[3].outcome.Result.(steps.UserCreated).User.ARN
			if c := content(got); !containsLine(c, "+", userARN) {
				t.Errorf("diff does not add %s:\n%s", userARN, c)
			}
		}
		enter() // continue
	}
	final := waitModel("summary", func(m Model) bool { return m.screen == screenSummary })
	if final.resourcesPresent(final.c.run.lab) {
		t.Error("resources still present after cleanup")
	}
	enter() // quits: nothing left to clean up
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	out := tm.FinalModel(t).(lockedModel).Model
	if out.screen != screenSummary {
		t.Errorf("final screen %d", out.screen)
	}
}

// containsLine reports whether some line starts with prefix (after spaces)
// and contains s: a diff line that adds s.
func containsLine(text, prefix, s string) bool {
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, prefix) && strings.Contains(l, s) {
			return true
		}
	}
	return false
}

// runWatched starts m in a test program (120x40, ANSI256) and returns it with
// waitModel, which nudges the program until cond holds for the latest model
// and fails the test with the screen after 60 s.
func runWatched(t *testing.T, m Model) (*teatest.TestModel, func(what string, cond func(Model) bool) Model) {
	return runWatchedAt(t, m, 120, 40)
}

// runWatchedAt is runWatched on a terminal of w×h cells.
func runWatchedAt(t *testing.T, m Model, w, h int) (*teatest.TestModel, func(what string, cond func(Model) bool) Model) {
	var mu sync.Mutex
	var latest Model
	filter := func(mod tea.Model, msg tea.Msg) tea.Msg {
		if lm, ok := mod.(lockedModel); ok {
			mm := lm.Model
			// The program keeps mutating these slices: snapshot them.
			mm.steps = append([]stepState(nil), mm.steps...)
			mm.experiments.records = append([]expRecord(nil), mm.experiments.records...)
			mu.Lock()
			latest = mm
			mu.Unlock()
		}
		return msg
	}
	tm := teatest.NewTestModel(t, lockedModel{m}, teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ANSI256), tea.WithFilter(filter)))
	waitModel := func(what string, cond func(Model) bool) Model {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second)
		for time.Now().Before(deadline) {
			tm.Send(probeMsg{})
			time.Sleep(20 * time.Millisecond)
			mu.Lock()
			cur := latest
			mu.Unlock()
			if cur.steps != nil && cond(cur) {
				return cur
			}
		}
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("timed out waiting for %s; screen:\n%s", what, plain(latest))
		return Model{}
	}
	return tm, waitModel
}

// renderMu keeps a test's reading of a model copy (plain) apart from the
// running program's Update: a copy shares pointers with the live model (the
// policy editor's viewport), so rendering it while the program updates would
// race.
var renderMu sync.Mutex

// lockedModel runs a Model under renderMu, for the programs runWatched starts.
type lockedModel struct{ Model }

func (l lockedModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	renderMu.Lock()
	defer renderMu.Unlock()
	m, cmd := l.Model.Update(msg)
	return lockedModel{m.(Model)}, cmd
}

func (l lockedModel) View() tea.View {
	renderMu.Lock()
	defer renderMu.Unlock()
	return l.Model.View()
}
