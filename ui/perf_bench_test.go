package ui

import (
	"image/color"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// The workshop serves a room from one host: everyone's Update runs on the
// same cores, so these are the hot paths a room pays for (BENCHMARKS.md,
// issue 24).

// BenchmarkWalk is one learner's whole walk through Update: Enter on the
// welcome screen, then Enter to run each step and Enter to go on, to the
// summary, with the offline panels shown, at 80x24 (the workshop's common
// size). Steps are the fixtures', so this is the TUI's own work only.
func BenchmarkWalk(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		m := newFixtureModel(Offline, 80, 24, fakeExtras{})
		keys := []string{"enter"}
		for range fxOutcomes {
			keys = append(keys, "enter", "enter")
		}
		m, _ = press(b, m, keys...)
		if m.screen != screenSummary {
			b.Fatalf("the walk ended on screen %d, not the summary", m.screen)
		}
	}
}

// BenchmarkSessionStart is what a new session costs the TUI before its
// first screen: New at the attendee's size, the background color's answer
// (which restyles everything), the PTY's size, then the first frame.
func BenchmarkSessionStart(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		m := New(Options{Course: fxCourse(fixtureSteps()), Identity: fxIdentity, Names: fxNames, Mode: Offline,
			Extras: fakeExtras{}, Width: 120, Height: 40, SaveDir: fxSaveDir})
		nm, _ := m.Update(tea.BackgroundColorMsg{Color: color.Black})
		nm, _ = nm.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
		_ = nm.View()
	}
}

// BenchmarkStepDone is the Update of one step's result arriving with its
// panels' reading, on the denied screen at 80x24.
func BenchmarkStepDone(b *testing.B) {
	base := atStep(newFixtureModel(Offline, 80, 24, fakeExtras{}), 3)
	b.ReportAllocs()
	for b.Loop() {
		m, _ := press(b, base, "enter", "enter") // to part 5 and run it
		if m.steps[4].status != statusDenied {
			b.Fatalf("part 5 ended %v", m.steps[4].status)
		}
	}
}

// BenchmarkSpinnerTick is a frame's worth of Update while a step runs: the
// spinner moves in the sidebar and the status line.
func BenchmarkSpinnerTick(b *testing.B) {
	m := atStep(newFixtureModel(Offline, 80, 24, fakeExtras{}), 3)
	m.running = 4
	b.ReportAllocs()
	for b.Loop() {
		nm, _ := m.Update(m.spinner.Tick())
		m = nm.(Model)
		_ = m.View()
	}
}
