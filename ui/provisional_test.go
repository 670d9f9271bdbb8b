package ui

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"kmslab/tape"
)

// TestNoFrameBeforeTheSize: a walkthrough started without a size (as
// kmslab's own is) draws nothing until the terminal's size comes, and then
// exactly what one started at that size draws. A frame laid out at the
// provisional 80x24 would be at the wrong width for a moment: kmslab record
// filmed it once, on a loaded machine, as demo.tape's welcome screen.
func TestNoFrameBeforeTheSize(t *testing.T) {
	dark := true
	opts := Options{Course: fxCourse(fixtureSteps()), Identity: fxIdentity, Names: fxNames, Mode: Offline, Dark: &dark}
	m := New(opts)
	if got := m.View().Content; got != "" {
		t.Fatalf("before the terminal's size is known the view draws %q; want nothing", got)
	}
	// Keys still work meanwhile (the layout is there, only not drawn).
	m, _ = press(t, m, "enter")
	if m.screen != screenStep {
		t.Errorf("enter before the size: screen %d, want the first step", m.screen)
	}

	m = New(opts)
	nm, _ := m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	sized := opts
	sized.Width, sized.Height = 120, 40
	if got, want := nm.(Model).View().Content, New(sized).View().Content; got != want {
		t.Errorf("after WindowSizeMsg 120x40 the view is not the one of a walkthrough started at 120x40:\n%s\n-- want --\n%s", got, want)
	}
}

// TestSlowStartShowsNoProvisionalFrame runs the walkthrough in a Bubble Tea
// program whose first WindowSizeMsg is held back (a loaded machine), as
// kmslab runs it: no size in the Options, the terminal's from Bubble Tea.
// Whatever the program writes before the size is applied must leave the
// terminal blank, not the welcome laid out at some other width.
func TestSlowStartShowsNoProvisionalFrame(t *testing.T) {
	const cols, rows = 120, 40
	dark := true
	m := New(Options{Course: fxCourse(fixtureSteps()), Identity: fxIdentity, Names: fxNames, Mode: Offline, Dark: &dark})

	var out lockedBuffer
	var before []byte // what was written while the size was held back
	var once sync.Once
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	p := tea.NewProgram(m, tea.WithContext(ctx), tea.WithInput(nil), tea.WithOutput(&out),
		tea.WithWindowSize(cols, rows), tea.WithColorProfile(colorprofile.ANSI256),
		tea.WithFilter(func(_ tea.Model, msg tea.Msg) tea.Msg {
			if _, ok := msg.(tea.WindowSizeMsg); ok {
				once.Do(func() {
					time.Sleep(200 * time.Millisecond) // many of the renderer's frames
					before = out.Bytes()
				})
			}
			return msg
		}))
	done := make(chan error, 1)
	go func() { _, err := p.Run(); done <- err }()

	// Once the size is in, the welcome is drawn at the terminal's width.
	deadline := time.Now().Add(8 * time.Second)
	for !strings.Contains(screenOf(out.Bytes(), cols, rows), "Press Enter to begin") {
		if time.Now().After(deadline) {
			t.Fatalf("the welcome never came:\n%s", screenOf(out.Bytes(), cols, rows))
		}
		time.Sleep(10 * time.Millisecond)
	}
	p.Quit()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if len(before) == 0 {
		t.Fatal("the renderer wrote nothing while the size was held back; the test holds it back too briefly")
	}
	if s := screenOf(before, cols, rows); strings.TrimSpace(s) != "" {
		t.Errorf("before the terminal's size was applied, the program drew a frame at another width:\n%s", s)
	}
}

// TestStepResultArrivesWithItsPanels: offline, a finished step's result is
// drawn together with its panels' reading, in the update that applies the
// outcome. Were the panels read by a later command, the result would first
// be drawn with them "reading…" (and the pane's scroll mark at another
// percentage), and a loaded machine could leave that frame on screen long
// enough for kmslab record to film it.
func TestStepResultArrivesWithItsPanels(t *testing.T) {
	m := newFixtureModel(Offline, 120, 40, fakeExtras{})
	m, _ = press(t, m, "enter") // welcome -> part 1
	m, cmd := m.startStep(0)
	var done tea.Msg
	for _, c := range cmd().(tea.BatchMsg) {
		if msg, ok := c().(jobDoneMsg); ok {
			done = msg
			break
		}
	}
	if done == nil {
		t.Fatal("running step 0 gave no jobDoneMsg")
	}
	nm, _ := m.Update(done)
	got := nm.(Model)
	if s := content(got); strings.Contains(s, "reading…") || !strings.Contains(s, "AT REST") {
		t.Errorf("the update that finished the step drew its panels without their reading:\n%s", s)
	}
	if got.steps[0].snapshot == nil {
		t.Error("the step kept no snapshot of its panels")
	}
}

// screenOf is the text a cols x rows terminal shows after b.
func screenOf(b []byte, cols, rows int) string {
	s := tape.NewScreen(cols, rows, nil)
	defer s.Close()
	_, _ = s.Write(b)
	return s.Text()
}

// lockedBuffer is an io.Writer the renderer writes to while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) Bytes() []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	return bytes.Clone(l.b.Bytes())
}
