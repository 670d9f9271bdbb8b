package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
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
}

func newSidebar(c common) sidebar { return sidebar{c: c} }

// SetSize sets the outer size, frame included.
func (s *sidebar) SetSize(w, h int) { s.width, s.height = w, h }

// Update has nothing to react to on its own; it exists so the sidebar can be
// driven like every other component.
func (s sidebar) Update(tea.Msg) (sidebar, tea.Cmd) { return s, nil }

// KeyMap is empty: the sidebar is not focusable.
func (s sidebar) KeyMap() []key.Binding { return nil }

func (s sidebar) icon(st status) string {
	sty := s.c.styles
	switch st {
	case statusRunning:
		return sty.StatusRunning.Render(s.spin)
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

// View renders the entries, the current one highlighted and marked with ▸ so
// the highlight survives NO_COLOR.
func (s sidebar) View() string {
	if s.width <= 0 || s.height <= 0 {
		return ""
	}
	sty := s.c.styles
	inner := max(s.width-sty.Sidebar.GetHorizontalFrameSize(), 1)
	lines := []string{sty.SidebarHeading.Render(ansi.Truncate("THE LAB", inner, "…")), ""}
	for i, e := range s.entries {
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
		lines = append(lines, marker+s.icon(e.status)+" "+textStyle.Render(label))
	}
	for _, l := range []string{"✓ done  ○ to do", "⊘ denied, as expected", "✗ failed"} {
		if l == "✓ done  ○ to do" {
			lines = append(lines, "")
		}
		lines = append(lines, sty.Muted.Render(ansi.Truncate(l, inner, "…")))
	}
	if len(lines) > s.height {
		lines = lines[:s.height]
	}
	return sty.Sidebar.Width(s.width).Height(s.height).MaxHeight(s.height).Render(strings.Join(lines, "\n"))
}
