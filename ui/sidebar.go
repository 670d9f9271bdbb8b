package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"kmslab/steps"
)

// status is what the sidebar shows for an entry.
type status int

const (
	statusPending status = iota
	statusRunning
	statusDone
	statusDenied // denied, as the lab expects
	statusFailed
)

// sideEntry is one line of the sidebar.
type sideEntry struct {
	label  string
	status status
	// heading entries (Welcome, Cleanup, Summary) have no part number.
	part int
}

// sidebar lists the walkthrough's stops with their status. It is a value
// component: the root hands it entries and the spinner frame on each change.
type sidebar struct {
	c       common
	width   int
	height  int
	entries []sideEntry
	current int
	spin    string
	at      place // where the screen on display stands
}

func newSidebar(c common) sidebar { return sidebar{c: c} }

// SetSize sets the outer size, frame included.
func (s *sidebar) SetSize(w, h int) { s.width, s.height = w, h }

// Update has nothing to react to on its own; it exists so the sidebar can be
// driven like every other component.
func (s sidebar) Update(tea.Msg) (sidebar, tea.Cmd) { return s, nil }

// ShortHelp is empty: the sidebar is not focusable.
func (s sidebar) ShortHelp() []key.Binding { return nil }

// FullHelp is empty: the sidebar is not focusable.
func (s sidebar) FullHelp() [][]key.Binding { return nil }

func (s sidebar) icon(st status) string { return statusIcon(*s.c.styles, st, s.spin) }

// statusIcon is a step's status as one symbol; spin is the running frame.
func statusIcon(sty Styles, st status, spin string) string {
	switch st {
	case statusRunning:
		return sty.StatusRunning.Render(spin)
	case statusDone:
		return sty.StatusDone.Render("✓")
	case statusDenied:
		return sty.StatusDenied.Render("⊘")
	case statusFailed:
		return sty.StatusFailed.Render("✗")
	default:
		return sty.StatusPending.Render("○")
	}
}

// View renders the sidebar.
func (s sidebar) View() string { return strings.Join(s.lines(), "\n") }

// lines renders exactly height lines of exactly width cells: the current
// entry highlighted and marked with ▸ so the highlight survives NO_COLOR.
func (s sidebar) lines() []string {
	if s.width <= 0 || s.height <= 0 {
		return nil
	}
	sty := s.c.styles
	inner := max(s.width-2, 1) // one column of air, one of rule
	var lines []string
	lines = append(lines, sty.SidebarHeading.Render(ansi.Truncate("THE LAB", inner, "…")), "")
	for i := range s.entries {
		lines = append(lines, s.entry(i, inner))
	}
	for _, l := range []string{"", "✓ done  ○ to do", "⊘ denied (expected)", "✗ failed"} {
		lines = append(lines, sty.Muted.Render(ansi.Truncate(l, inner, "…")))
	}
	rule := s.rule()
	out := make([]string, s.height)
	for i := range out {
		l := ""
		if i < len(lines) {
			l = ansi.Truncate(lines[i], inner, "")
		}
		out[i] = padRight(l, inner) + rule
	}
	return out
}

// sidebarEntryLine is the line of lines() where entry 0 is drawn.
const sidebarEntryLine = 2

// entry draws entry i, before it is cut to inner and ruled.
func (s sidebar) entry(i, inner int) string {
	sty, e := s.c.styles, s.entries[i]
	marker := "  "
	label := e.label
	if e.part > 0 {
		label = itoa(e.part) + ". " + label
	}
	textStyle := sty.SidebarItem
	if i == s.current {
		marker = "▸ "
		textStyle = sty.SidebarCurrent
	}
	avail := max(inner-4, 1)
	label = ansi.Truncate(label, avail, "…")
	return marker + s.icon(e.status) + " " + textStyle.Render(label)
}

func (s sidebar) rule() string { return " " + s.c.styles.TableEdge.Render("│") }

// respin is lines() drawn last (old) with only the spinner's frame changed:
// the running entries are drawn again, the rest is kept. A spinner frame
// comes a dozen times a second while a step runs, for every attendee of a
// workshop.
func (s sidebar) respin(old []string) []string {
	out := append([]string(nil), old...)
	inner := max(s.width-2, 1)
	for i, e := range s.entries {
		if l := sidebarEntryLine + i; e.status == statusRunning && l < len(out) {
			out[l] = padRight(ansi.Truncate(s.entry(i, inner), inner, ""), inner) + s.rule()
		}
	}
	return out
}

// place is where in the walk a screen stands: before the steps (the
// welcome and the confirmation), at the current step, or at the summary.
type place int

const (
	placeStart place = iota
	placeStep
	placeEnd
)

// sync takes the walk's steps and the spinner's frame.
func (s *sidebar) sync(w *walk, spin string) {
	entries := make([]sideEntry, 0, len(w.steps)+2)
	entries = append(entries, sideEntry{label: "Welcome", status: statusDone})
	for i, st := range w.steps {
		step := w.course.Steps[i]
		e := sideEntry{label: step.ShortTitle(), status: st.status}
		if step.Kind == steps.KindPart {
			e.part = step.Part
		}
		entries = append(entries, e)
	}
	entries = append(entries, sideEntry{label: "Summary", status: statusPending})
	switch s.at {
	case placeStart:
		entries[0].status = statusPending
		s.current = 0
	case placeStep:
		s.current = w.cur + 1
	case placeEnd:
		entries[len(entries)-1].status = statusDone
		s.current = len(entries) - 1
	}
	s.entries, s.spin = entries, spin
}
