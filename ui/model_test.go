package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"kmslab/awsops"
	"kmslab/steps"
)

func TestNavigation(t *testing.T) {
	type want struct {
		screen  screen
		cur     int
		quit    bool
		prompt  bool
		statusN map[int]status // expected statuses of some steps
	}
	cases := []struct {
		name     string
		mode     Mode
		failOnce []int
		keys     []string
		want     want
	}{
		{"enter leaves welcome for part 1", Offline, nil, []string{"enter"}, want{screen: screenStep, cur: 0}},
		{"aws needs confirmation", AWS, nil, []string{"enter"}, want{screen: screenConfirm}},
		{"aws enter does not confirm", AWS, nil, []string{"enter", "enter"}, want{screen: screenConfirm}},
		{"aws y confirms", AWS, nil, []string{"enter", "y"}, want{screen: screenStep, cur: 0}},
		{"aws n goes back", AWS, nil, []string{"enter", "n"}, want{screen: screenWelcome}},
		{"enter runs then result stays", Offline, nil, []string{"enter", "enter"},
			want{screen: screenStep, cur: 0, statusN: map[int]status{0: statusDone, 1: statusPending}}},
		{"enter after result moves on", Offline, nil, []string{"enter", "enter", "enter"},
			want{screen: screenStep, cur: 1, statusN: map[int]status{0: statusDone, 1: statusPending}}},
		{"back shows earlier result", Offline, nil, []string{"enter", "enter", "enter", "enter", "left"},
			want{screen: screenStep, cur: 0, statusN: map[int]status{0: statusDone, 1: statusDone}}},
		{"back from part 1 is welcome", Offline, nil, []string{"enter", "b"}, want{screen: screenWelcome}},
		{"forward only over finished steps", Offline, nil, []string{"enter", "right"}, want{screen: screenStep, cur: 0}},
		{"failed step stays and enter does not retry", Offline, []int{0}, []string{"enter", "enter", "enter"},
			want{screen: screenStep, cur: 0, statusN: map[int]status{0: statusFailed}}},
		{"cannot move past a failed step", Offline, []int{0}, []string{"enter", "enter", "right"},
			want{screen: screenStep, cur: 0, statusN: map[int]status{0: statusFailed}}},
		{"r retries a failed step", Offline, []int{0}, []string{"enter", "enter", "r"},
			want{screen: screenStep, cur: 0, statusN: map[int]status{0: statusDone}}},
		{"r does nothing on success", Offline, nil, []string{"enter", "enter", "r"},
			want{screen: screenStep, cur: 0, statusN: map[int]status{0: statusDone}}},
		{"part 5 is denied as expected", Offline, nil, repeat("enter", 10),
			want{screen: screenStep, cur: 4, statusN: map[int]status{4: statusDenied}}},
		{"enter alone walks to the summary", Offline, nil, repeat("enter", 15), want{screen: screenSummary}},
		{"enter on summary quits once cleaned up", Offline, nil, repeat("enter", 16), want{screen: screenSummary, quit: true}},
		{"quit with nothing created is immediate", Offline, nil, []string{"q"}, want{screen: screenWelcome, quit: true}},
		{"quit with resources asks", Offline, nil, []string{"enter", "enter", "q"}, want{screen: screenStep, prompt: true}},
		{"esc closes the prompt", Offline, nil, []string{"enter", "enter", "q", "esc"}, want{screen: screenStep}},
		{"offline n stays", Offline, nil, []string{"enter", "enter", "q", "n"}, want{screen: screenStep}},
		{"offline y quits", Offline, nil, []string{"enter", "enter", "q", "y"}, want{screen: screenStep, quit: true}},
		{"ctrl+c in the prompt quits", Offline, nil, []string{"enter", "enter", "ctrl+c", "ctrl+c"}, want{screen: screenStep, quit: true}},
		{"aws n quits keeping resources", AWS, nil, []string{"enter", "y", "enter", "q", "n"}, want{screen: screenStep, quit: true}},
		{"aws y cleans up then quits", AWS, nil, []string{"enter", "y", "enter", "q", "y"},
			want{screen: screenStep, cur: 6, quit: true, statusN: map[int]status{6: statusDone}}},
		{"quit after cleanup is immediate", Offline, nil, append(repeat("enter", 14), "q"), want{screen: screenStep, cur: 6, quit: true}},
		{"keys are ignored while too small", Offline, nil, []string{"resize:30x10", "enter"}, want{screen: screenWelcome}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := newFixtureModel(tc.mode, 100, 30, nil, tc.failOnce...)
			quit := false
			for _, k := range tc.keys {
				var q bool
				if strings.HasPrefix(k, "resize:") {
					var w, h int
					_, _ = fmtSscanf(strings.TrimPrefix(k, "resize:"), &w, &h)
					nm, _ := m.Update(tea.WindowSizeMsg{Width: w, Height: h})
					m = nm.(Model)
					continue
				}
				m, q = press(t, m, k)
				quit = quit || q
			}
			if m.screen != tc.want.screen || (tc.want.screen == screenStep && m.cur != tc.want.cur) {
				t.Errorf("screen %d cur %d, want screen %d cur %d", m.screen, m.cur, tc.want.screen, tc.want.cur)
			}
			if quit != tc.want.quit {
				t.Errorf("quit = %v, want %v", quit, tc.want.quit)
			}
			if m.quitting != tc.want.prompt {
				t.Errorf("quit prompt = %v, want %v", m.quitting, tc.want.prompt)
			}
			for i, s := range tc.want.statusN {
				if m.steps[i].status != s {
					t.Errorf("step %d status %d, want %d", i, m.steps[i].status, s)
				}
			}
		})
	}
}

func repeat(k string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = k
	}
	return out
}

func fmtSscanf(s string, w, h *int) (int, error) {
	parts := strings.SplitN(s, "x", 2)
	*w, *h = atoi(parts[0]), atoi(parts[1])
	return 2, nil
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

// A result that arrives after a retry started belongs to the old run: dropped.
func TestStaleResultDropped(t *testing.T) {
	m := newFixtureModel(Offline, 100, 30, nil)
	m, _ = press(t, m, "enter")
	m, _ = m.startStep(0)
	first := m.steps[0].run
	nm, _ := m.Update(jobDoneMsg{run: first - 1, result: stepDoneMsg{index: 0, outcome: steps.Outcome{Status: steps.Done, Summary: "stale"}}})
	m = nm.(Model)
	if m.steps[0].status != statusRunning {
		t.Fatalf("stale result applied: status %d", m.steps[0].status)
	}
	nm, _ = m.Update(jobDoneMsg{run: first, result: stepDoneMsg{index: 0, outcome: fxOutcomes[0]}})
	m = nm.(Model)
	if m.steps[0].status != statusDone || m.running != -1 {
		t.Fatalf("current result not applied: status %d running %d", m.steps[0].status, m.running)
	}
}

// Progress reports show in the status line while a step runs.
func TestProgressShown(t *testing.T) {
	feed := NewProgressFeed()
	dark := true
	m := New(Options{Course: fxCourse(fixtureSteps()), Names: fxNames, Identity: fxIdentity, Progress: feed, Width: 100, Height: 30, Dark: &dark})
	m, _ = press(t, m, "enter")
	m, _ = m.startStep(0) // the command is never run: the step stays running
	feed.Report(awsops.Progress{Step: "CreateTestUser", Message: "waiting for IAM to accept the new access key"})
	nm, _ := m.Update(m.opts.Progress.listen()())
	m = nm.(Model)
	if got := ansi.Strip(m.View().Content); !strings.Contains(got, "Waiting for IAM to accept the new access key") {
		t.Fatalf("progress not shown:\n%s", got)
	}
}

// The feed never blocks the AWS call that reports: old reports give way.
func TestProgressFeedNeverBlocks(t *testing.T) {
	f := NewProgressFeed()
	for i := range 100 {
		f.Report(awsops.Progress{Attempt: i})
	}
	var last awsops.Progress
	for len(f.ch) > 0 {
		last = <-f.ch
	}
	if last.Attempt != 99 {
		t.Fatalf("latest report lost: %d", last.Attempt)
	}
	var nilFeed *ProgressFeed
	nilFeed.Report(awsops.Progress{}) // must not panic
}

// TestCopyCLI: c sends the commands with OSC 52, saves them to a file it
// names, and says exactly that.
func TestCopyCLI(t *testing.T) {
	fxSaveDir = t.TempDir()
	defer func() { fxSaveDir = os.TempDir() }()
	m := newFixtureModel(Offline, 100, 30, nil)
	m, _ = press(t, m, "enter")
	nm, cmd := m.Update(keyMsg("c"))
	m = nm.(Model)
	clip := false
	for _, msg := range runAll(cmd) {
		if c, ok := msg.(copiedMsg); ok {
			nm, _ = m.Update(c)
			m = nm.(Model)
		}
		clip = clip || strings.Contains(strings.ToLower(fmt.Sprintf("%T", msg)), "clipboard")
	}
	if !clip {
		t.Fatal("copy sent nothing to the clipboard")
	}
	path := filepath.Join(fxSaveDir, "kmslab-demo01-create-key.sh")
	if !strings.Contains(m.flash, "terminal clipboard (OSC 52)") || !strings.Contains(m.flash, path) {
		t.Fatalf("flash = %q", m.flash)
	}
	b, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(b), "aws kms describe-key --key-id alias/kmslab-demo01") {
		t.Fatalf("saved file: %v %q", err, b)
	}
	// The note fades; the hint comes back.
	nm, _ = m.Update(flashTickMsg{seq: m.flashSeq})
	if m = nm.(Model); m.flash != "" || !strings.Contains(plain(m), "Press Enter to run part 1.") {
		t.Fatalf("note did not fade: %q\n%s", m.flash, plain(m))
	}
}

// runAll runs cmd and the batches it returns, collecting their messages.
func runAll(cmd tea.Cmd) []tea.Msg {
	var out []tea.Msg
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case settledMsg: // a key press's commands, run together (settle.go)
			out = append(out, msg.msgs...)
		default:
			out = append(out, msg)
		}
	}
	return out
}

func TestToggles(t *testing.T) {
	m := atStep(newFixtureModel(Offline, 100, 30, fakeExtras{}), 4)
	all := content(m)
	for _, s := range []string{"OFFLINE ONLY · AT REST", "OFFLINE ONLY · AUDIT TRAIL", "In this part you"} {
		if !strings.Contains(all, s) {
			t.Fatalf("missing %q", s)
		}
	}
	m, _ = press(t, m, "x", "t", "e")
	all = content(m)
	for _, s := range []string{"AT REST", "AUDIT TRAIL", "In this part you"} {
		if strings.Contains(all, s) {
			t.Fatalf("%q still shown after toggling off", s)
		}
	}
	// On AWS the panels are not offered at all.
	a := atStep(newFixtureModel(AWS, 100, 30, fakeExtras{}), 4)
	a, _ = press(t, a, "x")
	if strings.Contains(content(a), "AT REST") || !strings.Contains(a.flash, "offline only") {
		t.Fatalf("at-rest offered on AWS; flash %q", a.flash)
	}
}

// TestPanelsComeIntoView: at 80x24 the panels sit pages below the result;
// turning one on says so and scrolls it into view.
func TestPanelsComeIntoView(t *testing.T) {
	for _, tc := range []struct{ key, tag string }{{"x", "AT REST"}, {"t", "AUDIT TRAIL"}} {
		m := atStep(newFixtureModel(Offline, 80, 24, fakeExtras{}), 4)
		m, _ = press(t, m, tc.key)
		if !strings.Contains(m.flash, "hidden") {
			t.Errorf("%s off: note %q", tc.key, m.flash)
		}
		m, _ = press(t, m, tc.key)
		if screen := plain(m); !strings.Contains(screen, "OFFLINE ONLY · "+tc.tag) || !strings.Contains(m.flash, "shown below") {
			t.Errorf("%s on: note %q, panel not in view:\n%s", tc.key, m.flash, screen)
		}
	}
}

// TestExitNote: quitting AWS with resources kept leaves a reminder of
// kmslab cleanup; a part 1 that failed created nothing, so no prompt claims
// resources exist.
func TestExitNote(t *testing.T) {
	m := newFixtureModel(AWS, 100, 30, nil)
	m, quit := press(t, m, "enter", "y", "enter", "q", "n")
	if note := m.ExitNote(); !quit || !strings.Contains(note, "kmslab cleanup") || !strings.Contains(note, "remain") {
		t.Fatalf("quit %v, note %q", quit, note)
	}

	m = newFixtureModel(AWS, 100, 30, nil, 0)
	m, _ = press(t, m, "enter", "y", "enter")
	if m.steps[0].status != statusFailed {
		t.Fatalf("part 1 status %d", m.steps[0].status)
	}
	m, quit = press(t, m, "q")
	if !quit || m.quitting {
		t.Fatal("a failed part 1 created nothing, yet quitting asks about resources")
	}
	if note := m.ExitNote(); strings.Contains(note, "remain") || !strings.Contains(note, "kmslab cleanup") {
		t.Errorf("note after a failed create: %q", note)
	}

	if note := newFixtureModel(Offline, 100, 30, nil).ExitNote(); note != "" {
		t.Errorf("offline note %q", note)
	}
}

// TestForwardExplains: → on a step that has not run says why it stays.
func TestForwardExplains(t *testing.T) {
	m := newFixtureModel(Offline, 100, 30, nil, 1)
	m, _ = press(t, m, "enter", "right")
	if m.cur != 0 || !strings.Contains(m.flash, "press Enter to run it") {
		t.Fatalf("→ on a pending part: cur %d, note %q", m.cur, m.flash)
	}
	m, _ = press(t, m, "enter", "right", "enter", "right")
	if m.cur != 1 || !strings.Contains(m.flash, "press r to retry") {
		t.Fatalf("→ on a failed part: cur %d, note %q", m.cur, m.flash)
	}
}

// TestExperiment: a step of kind experiment, placed after the parts and
// before cleanup, returning a plain steps.Note, needs nothing from ui: it is
// not counted as a part, has its own header and hint, and its result shows.
func TestExperiment(t *testing.T) {
	all := fixtureSteps()
	exp := steps.Step{Kind: steps.KindExperiment, ID: "rotate", Title: "Rotate the key", Short: "Rotate",
		Run: func(context.Context, *awsops.Lab) steps.Outcome {
			return steps.Outcome{Status: steps.Done, Summary: "Rotated.", Result: steps.Note{Pairs: [][2]string{{"Rotation", "on demand"}}}}
		}}
	all = append(all[:6], append([]steps.Step{exp}, all[6:]...)...)
	dark := true
	m := New(Options{Course: fxCourse(all), Identity: fxIdentity, Names: fxNames, Mode: Offline, Width: 100, Height: 30, Dark: &dark})
	for j := 0; j < 6; j++ {
		m = withOutcome(m, j)
	}
	m.goTo(screenStep, 6)
	if got := plain(m); !strings.Contains(got, "Experiment · Rotate the key") || !strings.Contains(got, "Press Enter to run this experiment.") ||
		!strings.Contains(got, "100%") || !strings.Contains(got, "Rotate") {
		t.Fatalf("experiment screen:\n%s", got)
	}
	m, _ = press(t, m, "enter")
	if got := content(m); !strings.Contains(got, "Rotation") || !strings.Contains(got, "on demand") {
		t.Fatalf("experiment result:\n%s", got)
	}
	if m.active().location() != "Experiment" {
		t.Errorf("location %q", m.active().location())
	}
}

func TestNoColor(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	m := atStep(newFixtureModel(Offline, 100, 30, nil), 4)
	out := m.View().Content
	for _, sgr := range []string{"\x1b[38;", "\x1b[48;", ";38;", ";48;"} {
		if i := strings.Index(out, sgr); i >= 0 {
			t.Fatalf("colors emitted under NO_COLOR: %q", out[max(i-80, 0):min(i+40, len(out))])
		}
	}
	if !strings.Contains(ansi.Strip(out), "ACCESS DENIED") {
		t.Fatal("denied banner missing")
	}
}

func TestPanicInStepIsAFailure(t *testing.T) {
	st := fixtureSteps()
	st[0].Run = func(context.Context, *awsops.Lab) steps.Outcome { panic("boom") }
	dark := false
	m := New(Options{Course: fxCourse(st), Names: fxNames, Identity: fxIdentity, Width: 100, Height: 30, Dark: &dark})
	m, _ = press(t, m, "enter", "enter")
	if m.steps[0].status != statusFailed || !strings.Contains(m.steps[0].outcome.Err.Error(), "boom") {
		t.Fatalf("status %d err %v", m.steps[0].status, m.steps[0].outcome.Err)
	}
}

// TestEveryKeyEverySize presses every bound key (and a few others) on every
// screen at sizes from 20x5 to 300x100, rendering after each: nothing panics
// and no line is wider than the terminal.
func TestEveryKeyEverySize(t *testing.T) {
	keys := []string{"enter", "esc", "left", "right", "up", "down", "pgup", "pgdown", "home", "end", "space", "tab",
		"b", "h", "l", "k", "j", "g", "G", "r", "c", "e", "x", "t", "?", "y", "n", "z", "1", "ctrl+c", "q"}
	sizes := [][2]int{{20, 5}, {40, 12}, {59, 15}, {60, 16}, {80, 24}, {100, 30}, {132, 43}, {200, 60}, {300, 100}}
	if testing.Short() {
		sizes = [][2]int{{20, 5}, {60, 16}, {80, 24}, {300, 100}}
	}
	screens := []func(w, h int) Model{
		func(w, h int) Model { return newFixtureModel(Offline, w, h, fakeExtras{}) },
		func(w, h int) Model { m := newFixtureModel(AWS, w, h, nil); m.goTo(screenConfirm, 0); return m },
		func(w, h int) Model { return atStep(newFixtureModel(Offline, w, h, fakeExtras{}), 4) },
		func(w, h int) Model { return atStep(newFixtureModel(AWS, w, h, nil), 5) },
		func(w, h int) Model { return atStep(newFixtureModel(Offline, w, h, nil, 3), 2) },
		func(w, h int) Model {
			m := atStep(newFixtureModel(Offline, w, h, nil), 6)
			m.goTo(screenSummary, 0)
			return m
		},
	}
	t.Parallel()
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			t.Parallel() // each size's models are its own
			for si, mk := range screens {
				base := mk(sz[0], sz[1])
				checkFits(t, base, sz[0], sz[1], si, "")
				for _, k := range keys {
					m := base
					m.steps = append([]stepState(nil), base.steps...) // steps are shared by copies
					m, _ = press(t, m, k)
					checkFits(t, m, sz[0], sz[1], si, k)
					// and a resize after the key
					nm, _ := m.Update(tea.WindowSizeMsg{Width: sz[1] + 50, Height: sz[0]/2 + 3})
					checkFits(t, nm.(Model), sz[1]+50, sz[0]/2+3, si, k+"+resize")
				}
			}
		})
	}
}

func checkFits(t *testing.T, m Model, w, h, screen int, k string) {
	t.Helper()
	out := m.View().Content
	lines := strings.Split(out, "\n")
	if len(lines) > h {
		t.Fatalf("%dx%d screen %d key %q: %d lines", w, h, screen, k, len(lines))
	}
	for _, l := range lines {
		if ansi.StringWidth(l) > w {
			t.Fatalf("%dx%d screen %d key %q: line of width %d: %q", w, h, screen, k, ansi.StringWidth(l), ansi.Strip(l))
		}
	}
}

// BenchmarkView renders the denied screen, the busiest one, at 200x60.
func BenchmarkView(b *testing.B) {
	m := atStep(newFixtureModel(Offline, 200, 60, fakeExtras{}), 4)
	_ = m.View()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		_ = m.View()
	}
}

// BenchmarkStepChange measures the work done in Update when the screen
// changes (markdown from cache, results re-rendered).
func BenchmarkStepChange(b *testing.B) {
	m := atStep(newFixtureModel(Offline, 200, 60, fakeExtras{}), 5)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		m.goTo(screenStep, 4)
		m.goTo(screenStep, 5)
	}
}

// TestCleanupPreviewNamesKey: before cleanup runs, its preview names the key
// it will schedule for deletion by id and alias, or, before part 1 made
// it, as the key the alias points to (never an empty name).
func TestCleanupPreviewNamesKey(t *testing.T) {
	t.Parallel()
	cleanup := len(fxOutcomes) - 1
	for _, tc := range []struct {
		name string
		ran  int // steps run before cleanup is shown
		want string
	}{
		{"after part 1", cleanup, fxKeyID + " (" + fxNames.Alias + ")"},
		{"before part 1", 0, "the key " + fxNames.Alias + " points to"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := newFixtureModel(Offline, 200, 40, nil)
			for i := range tc.ran {
				m = withOutcome(m, i)
			}
			m.goTo(screenStep, cleanup)
			got := content(m)
			row := ""
			for l := range strings.SplitSeq(got, "\n") {
				if strings.Contains(l, "KMS key behind the alias") {
					row = l
				}
			}
			if !strings.Contains(row, tc.want) {
				t.Errorf("key row = %q, want it to name %q\n%s", row, tc.want, got)
			}
		})
	}
}

// TestFastDoubleEnter: two Enters typed before the first one's command
// comes back. On a finished part the first goes to the next part; the
// second must run that part (the screen the first opened), not go on from
// the part it left. The held key is replayed once the first settles.
func TestFastDoubleEnter(t *testing.T) {
	t.Parallel()
	m := atStep(newFixtureModel(Offline, 100, 30, nil), 1) // part 2, done
	nm, first := m.Update(keyMsg("enter"))
	m = nm.(Model)
	nm, second := m.Update(keyMsg("enter")) // typed before first's command ran
	m = nm.(Model)
	if second != nil || len(m.held) != 1 {
		t.Fatalf("the second Enter was not held (cmd %v, held %d)", second != nil, len(m.held))
	}
	m, _ = drain(m, first, false)
	if m.cur != 2 {
		t.Fatalf("on step %d, want part 3 (index 2)", m.cur)
	}
	if !m.steps[2].ran {
		t.Errorf("the second Enter did not run part 3, the screen the first one opened")
	}
	if m.steps[3].ran || m.settling != 0 || len(m.held) != 0 {
		t.Errorf("after settling: part 4 ran %v, settling %d, held %d", m.steps[3].ran, m.settling, len(m.held))
	}
}
