package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"kmslab/awsops"
	"kmslab/sim"
	"kmslab/steps"
)

// chooserFixture is a walkthrough offering both labs, the first under the
// cursor, with no AWS behind it.
func chooserFixture(t testing.TB, w, h int, o Options) Model {
	t.Helper()
	dark := true
	o.Course, o.Labs = steps.Labs()[0], steps.Labs()
	o.Identity, o.Names, o.Mode, o.Width, o.Height, o.Dark = fxIdentity, fxNames, Offline, w, h, &dark
	return New(o)
}

// TestGoldenChooser pins the welcome screen's list of labs at 80x24 and
// 120x40: the first lab under the cursor, then the second after ↓, with the
// keys in the help bar.
func TestGoldenChooser(t *testing.T) {
	t.Parallel()
	for _, size := range []struct {
		name string
		w, h int
	}{{"80x24", 80, 24}, {"120x40", 120, 40}} {
		for _, tc := range []struct {
			name string
			keys []string
		}{{"first", nil}, {"second", []string{"down"}}} {
			t.Run(tc.name+"_"+size.name, func(t *testing.T) {
				t.Parallel()
				m := chooserFixture(t, size.w, size.h, Options{})
				m, _ = press(t, m, tc.keys...)
				golden.RequireEqual(t, plain(m))
			})
		}
	}
	t.Run("ansi256_80x24", func(t *testing.T) {
		t.Parallel()
		m := chooserFixture(t, 80, 24, Options{})
		golden.RequireEqual(t, downsample(m.View().Content, colorprofile.ANSI256))
	})
}

// TestChooserKeys: ↓/j and ↑/k move the run to the next or previous lab
// (the header, the intro and the sidebar follow), a lab's number begins
// it, Enter begins the one under the cursor; --lab (FixedLab) leaves the
// arrows to scrolling; once a step ran, going back to the welcome screen
// offers no choice any more.
func TestChooserKeys(t *testing.T) {
	t.Parallel()
	kms, env := steps.Labs()[0], steps.Labs()[1]
	m := chooserFixture(t, 80, 24, Options{})
	if !m.welcome.choosing() || !strings.Contains(plain(m), "Choose a lab") {
		t.Fatalf("no chooser on the welcome screen:\n%s", plain(m))
	}
	for _, tc := range []struct {
		key  string
		want string
	}{{"j", env.ID}, {"j", kms.ID}, {"k", env.ID}, {"up", kms.ID}, {"down", env.ID}} {
		m, _ = press(t, m, tc.key)
		if m.course.ID != tc.want || m.screen != screenWelcome {
			t.Fatalf("after %s: lab %q on screen %d, want %q on the welcome screen", tc.key, m.course.ID, m.screen, tc.want)
		}
	}
	screen := plain(m)
	for _, want := range []string{"kmslab · " + env.Title, "Get data key", "enter", "begin that lab"} {
		if !strings.Contains(screen, want) {
			t.Errorf("with the envelope lab chosen the screen lacks %q:\n%s", want, screen)
		}
	}
	if m, _ = press(t, m, "enter"); m.screen != screenStep || m.cur != 0 || m.course.ID != env.ID || len(m.steps) != len(env.Steps) {
		t.Fatalf("enter: screen %d step %d lab %q (%d steps)", m.screen, m.cur, m.course.ID, len(m.steps))
	}

	m = chooserFixture(t, 80, 24, Options{})
	if m, _ = press(t, m, "2"); m.screen != screenStep || m.course.ID != env.ID {
		t.Fatalf("2: screen %d lab %q, want the envelope lab's part 1", m.screen, m.course.ID)
	}
	if m, _ = press(t, m, "left"); m.screen != screenWelcome || !m.welcome.choosing() {
		t.Fatalf("back from part 1 before anything ran: screen %d, choosing %v", m.screen, m.welcome.choosing())
	}
	if m, _ = press(t, m, "1"); m.course.ID != kms.ID || m.screen != screenStep {
		t.Fatalf("1: lab %q screen %d", m.course.ID, m.screen)
	}
	m.steps[0] = stepState{status: statusDone, ran: true}
	m, _ = press(t, m, "left")
	if m.screen != screenWelcome || m.welcome.choosing() {
		t.Fatalf("back to the welcome screen after a step ran: screen %d, choosing %v", m.screen, m.welcome.choosing())
	}
	if m, _ = press(t, m, "2"); m.course.ID != kms.ID {
		t.Errorf("2 changed the lab of a run under way to %q", m.course.ID)
	}
	if c := content(m); !strings.Contains(c, "The labs") || strings.Contains(c, "Choose a lab") {
		t.Errorf("a run under way does not list the labs, or offers to choose:\n%s", c)
	}

	m = chooserFixture(t, 80, 24, Options{FixedLab: true})
	if m.welcome.choosing() {
		t.Fatal("--lab still offers the choice")
	}
	if m, _ = press(t, m, "j", "2"); m.course.ID != kms.ID || m.screen != screenWelcome {
		t.Errorf("--lab: j and 2 moved to lab %q on screen %d", m.course.ID, m.screen)
	}
}

// TestSummaryStartsNextLab: n on a summary starts the lab its Next names,
// in the same session, at its part 1; the welcome screen then marks the
// first lab done in this run. Without the labs offered, n does nothing.
func TestSummaryStartsNextLab(t *testing.T) {
	t.Parallel()
	var got []Event
	m := chooserFixture(t, 80, 24, Options{OnEvent: func(e Event) { got = append(got, e) }})
	m.goTo(screenSummary, 0)
	m.cacheChrome()
	if c := content(m); !strings.Contains(c, "Press n to start it now") {
		t.Errorf("summary lacks its n:\n%s", c)
	}
	if screen := plain(m); !strings.Contains(screen, "start the next lab") {
		t.Errorf("summary's help lacks n:\n%s", screen)
	}
	m, _ = press(t, m, "n")
	if m.course.ID != "envelope" || m.screen != screenStep || m.cur != 0 {
		t.Fatalf("n: lab %q screen %d step %d, want the envelope lab's part 1", m.course.ID, m.screen, m.cur)
	}
	if last := got[len(got)-1]; last.Lab != "envelope" || last.Step != steps.Envelope().Steps[0].ID {
		t.Errorf("last event %+v, want the envelope lab's part 1 reached", last)
	}
	m.goTo(screenWelcome, 0)
	if c := content(m); !strings.Contains(c, "Encrypt data with AWS KMS · 6 parts · ✓ done") {
		t.Errorf("the welcome screen does not mark the first lab done:\n%s", c)
	}

	// On AWS the next lab, like any, first shows what it will create.
	onAWS := chooserFixture(t, 80, 24, Options{})
	onAWS.opts.Mode = AWS
	onAWS.goTo(screenSummary, 0)
	if onAWS, _ = press(t, onAWS, "n"); onAWS.course.ID != "envelope" || onAWS.screen != screenConfirm {
		t.Errorf("n on AWS: lab %q screen %d, want the envelope lab's confirmation", onAWS.course.ID, onAWS.screen)
	}

	dark := true
	alone := New(Options{Course: steps.KMS(), Identity: fxIdentity, Names: fxNames, Mode: Offline, Width: 80, Height: 24, Dark: &dark})
	alone.goTo(screenSummary, 0)
	if alone, _ = press(t, alone, "n"); alone.course.ID != "kms" || alone.screen != screenSummary {
		t.Errorf("n without the labs offered: lab %q screen %d", alone.course.ID, alone.screen)
	}
}

// TestChooserEndToEnd drives the real TUI against the offline AWS: 2 on the
// welcome screen begins the envelope lab, whose part 1 creates its key;
// its summary's n then starts the first lab on a run of its own (new
// names), whose part 1 makes a new key, since the envelope lab's cleanup
// scheduled the deletion of its own.
func TestChooserEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	feed := NewProgressFeed()
	_, lab, id := offlineLab(t, ctx, sim.Options{}, awsops.Options{Progress: feed.Report, RunID: "pick01"})
	dark := true
	env := steps.Envelope()
	env.Experiments = nil
	labs := []steps.Lab{steps.KMS(), env}
	m := New(Options{Lab: lab, Course: labs[0], Labs: labs, Identity: id, Mode: Offline, Progress: feed, Dark: &dark, Context: ctx})
	tm, waitModel := runWatchedAt(t, m, 80, 24)
	enter := func() { tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter}) }

	tm.Send(tea.KeyPressMsg{Code: '2', Text: "2"})
	waitModel("the envelope lab's part 1", func(m Model) bool {
		return m.screen == screenStep && m.cur == 0 && m.course.ID == env.ID
	})
	var firstKey string
	for i, st := range env.Steps {
		enter() // run
		got := waitModel("step "+st.ID, func(m Model) bool {
			s := m.steps[i].status
			return m.running < 0 && s != statusPending && s != statusRunning
		})
		if got.steps[i].status == statusFailed {
			t.Fatalf("step %s failed: %v", st.ID, got.steps[i].outcome.Err)
		}
		if k := steps.KeyOf(got.steps[i].outcome.Result); i == 0 && k != nil {
			firstKey = k.ID
		}
		enter() // continue
	}
	waitModel("the envelope lab's summary", func(m Model) bool { return m.screen == screenSummary })
	tm.Send(tea.KeyPressMsg{Code: 'n', Text: "n"})
	next := waitModel("the first lab's part 1", func(m Model) bool {
		return m.screen == screenStep && m.cur == 0 && m.course.ID == "kms"
	})
	if next.opts.Names.RunID != "pick01n" || next.c.run.names.Table != "kmslab-pick01n" {
		t.Errorf("the next lab runs as %+v, want a run of its own", next.opts.Names)
	}
	enter()
	done := waitModel("the first lab's part 1 to finish", func(m Model) bool { return m.running < 0 && m.steps[0].status == statusDone })
	k := steps.KeyOf(done.steps[0].outcome.Result)
	if k == nil || k.ID == "" || k.ID == firstKey || k.State != "Enabled" {
		t.Errorf("the first lab's key %+v, want a new enabled key (the envelope lab's is pending deletion: %s)", k, firstKey)
	}
	tm.Send(tea.KeyPressMsg{Code: 'q', Text: "q"})
	tm.Send(tea.KeyPressMsg{Code: 'y', Text: "y"}) // offline: nothing to keep
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
}
