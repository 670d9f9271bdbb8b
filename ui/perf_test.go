package ui

import (
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// redrawn is m with every drawing cache dropped and the chrome and the
// screen on display drawn again from scratch: what m shows must be what
// it shows.
func redrawn(m Model) Model {
	m.chrome = chrome{}
	a := m.active()
	p := a.scroller()
	p.fitted = nil
	m.part.drawn = partDrawn{}
	m.part.panels.drawn = nil
	m.part.freshResult = false
	if m.screen == screenSummary {
		m.syncSummary()
	}
	a.SetSize(p.width, p.height)
	m.cacheChrome()
	return m
}

// TestDrawingCachesMatchAFreshDrawing walks the lab through keys, sizes,
// toggles and spinner frames, and after each checks that the cached
// drawing (chrome, sections, result, panels, the screen laid out when
// shown) is exactly what drawing everything again gives.
func TestDrawingCachesMatchAFreshDrawing(t *testing.T) {
	t.Parallel()
	type event struct {
		name string
		do   func(Model) Model
	}
	key := func(k string) event {
		return event{k, func(m Model) Model { m, _ = press(t, m, k); return m }}
	}
	size := func(w, h int) event {
		return event{"size", func(m Model) Model {
			nm, _ := m.Update(tea.WindowSizeMsg{Width: w, Height: h})
			return nm.(Model)
		}}
	}
	spin := event{"spinner frame", func(m Model) Model {
		// A step shown as running, as while its AWS calls are under way.
		i := m.cur
		m.running, m.steps[i].status = i, statusRunning
		m.syncSidebar()
		for range 3 {
			nm, _ := m.Update(m.spinner.Tick())
			m = nm.(Model)
		}
		m.running, m.steps[i].status = -1, statusPending
		m.syncSidebar()
		nm, _ := m.Update(m.spinner.Tick())
		return nm.(Model)
	}}
	events := []event{
		key("enter"), spin, key("enter"), key("enter"), key("x"), key("t"), key("e"),
		size(120, 40), key("enter"), key("enter"), key("e"), key("?"), key("left"), size(80, 24),
		key("?"), key("right"), key("pgdown"), key("enter"), key("enter"), key("enter"), key("x"),
		size(100, 30), key("enter"), key("enter"), key("left"), key("left"), key("enter"), key("enter"),
	}
	// Back to the welcome screen, last laid out three sizes ago, then on to
	// the summary, hidden while every step's result came.
	for range len(fxOutcomes) + 1 {
		events = append(events, key("left"))
	}
	for range 2*len(fxOutcomes) + 2 {
		events = append(events, key("enter"))
	}
	for _, tc := range []struct {
		name string
		w, h int
	}{{"80x24", 80, 24}, {"120x40", 120, 40}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := newFixtureModel(Offline, tc.w, tc.h, fakeExtras{})
			for i, e := range events {
				m = e.do(m)
				f := redrawn(m)
				if got, want := ansi.Strip(m.active().scroller().content()), ansi.Strip(f.active().scroller().content()); got != want {
					t.Fatalf("after event %d (%s), screen %d: the cached content differs from a fresh drawing:\n%s\n-- fresh --\n%s", i, e.name, m.screen, got, want)
				}
				if m.active().scroller().content() != f.active().scroller().content() {
					t.Fatalf("after event %d (%s): the cached content's styles differ from a fresh drawing", i, e.name)
				}
				if m.chrome.header != f.chrome.header || m.chrome.help != f.chrome.help {
					t.Fatalf("after event %d (%s): cached header or help differ from a fresh drawing:\n%q\n%q\n-- fresh --\n%q\n%q", i, e.name, m.chrome.header, m.chrome.help, f.chrome.header, f.chrome.help)
				}
				for j := range f.chrome.side {
					if m.chrome.side[j] != f.chrome.side[j] {
						t.Fatalf("after event %d (%s): sidebar line %d is %q cached, %q fresh", i, e.name, j, m.chrome.side[j], f.chrome.side[j])
					}
				}
			}
			if m.screen != screenSummary {
				t.Fatalf("the walk ended on screen %d, not the summary", m.screen)
			}
		})
	}
}

// TestRespinIsLines: redrawing only the running entries for a new spinner
// frame gives the sidebar lines() draws, at every width the sidebar has (and
// one too narrow for the icon).
func TestRespinIsLines(t *testing.T) {
	t.Parallel()
	m := newFixtureModel(Offline, 120, 40, fakeExtras{})
	for _, w := range []int{22, 26, 3} {
		s := m.sidebar
		s.width = w
		s.entries = append([]sideEntry(nil), s.entries...)
		s.entries[3].status, s.entries[5].status, s.current = statusRunning, statusRunning, 3
		s.spin = "⠋"
		old := s.lines()
		s.spin = "⠙"
		want := s.lines()
		got := s.respin(old)
		if len(got) != len(want) {
			t.Fatalf("width %d: %d lines respun, %d drawn", w, len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("width %d, line %d: respun %q, drawn %q", w, i, got[i], want[i])
			}
		}
		if w > 3 && old[sidebarEntryLine+3] == want[sidebarEntryLine+3] {
			t.Errorf("width %d: the running entry's line did not change with the spinner's frame", w)
		}
	}
}

// TestScrollingACopyLeavesTheOriginal: panes share their viewport between
// copies of the Model, so scrolling (keys, the wheel, a new result pinned
// to the top) must change only the copy that scrolled.
func TestScrollingACopyLeavesTheOriginal(t *testing.T) {
	t.Parallel()
	base := atStep(newFixtureModel(Offline, 80, 24, fakeExtras{}), 4)
	base.part.scroll().GotoTop()
	want := base.View().Content
	for _, k := range []string{"down", "pgdown", "end", "enter"} {
		m, _ := press(t, base, k)
		if m.View().Content == want {
			t.Errorf("%s changed nothing on the copy: the check below proves nothing", k)
		}
		if got := base.View().Content; got != want {
			t.Fatalf("%s on a copy moved the original's view", k)
		}
	}
	nm, _ := base.Update(tea.MouseWheelMsg{Button: tea.MouseWheelDown})
	if nm.(Model).part.vp.YOffset() == 0 {
		t.Error("the wheel did not scroll the copy")
	}
	if base.part.vp.YOffset() != 0 {
		t.Error("the wheel on a copy scrolled the original")
	}
}

// TestHelpOnACopyLeavesTheOriginal: the help is shared between copies of
// the Model too; opening it on one leaves the other's closed.
func TestHelpOnACopyLeavesTheOriginal(t *testing.T) {
	t.Parallel()
	base := atStep(newFixtureModel(Offline, 80, 24, nil), 1)
	want := base.View().Content
	m, _ := press(t, base, "?")
	if !m.help.ShowAll || m.View().Content == want {
		t.Fatal("? did not open the help on the copy")
	}
	if base.help.ShowAll || base.View().Content != want {
		t.Error("? on a copy opened the original's help")
	}
}
