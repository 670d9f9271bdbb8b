package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// pane is the scrollable area every screen embeds: the screen builds the
// content, the pane owns scrolling (keys and mouse wheel) and remembers where
// the result starts, so a finished step can bring its result into view.
type pane struct {
	c common
	// vp keeps the scroll position. It is shared by the copies of the pane
	// (the Model is copied on every Update, and five panes' viewports were a
	// third of it): it is never changed in place, scroll gives a copy to
	// change.
	vp         *viewport.Model
	width      int
	height     int
	resultLine int // first line of the result section, -1 when none
	// pinned keeps the result at the top across content changes (panels
	// filled in later, a resize re-wrapping the text) until the user scrolls.
	pinned bool
	// lines is the content cut and padded to exactly width cells, once per
	// change, so drawing a frame is slicing and joining.
	lines []string
	blank string
	// fitted is each section of the content as lines, wrapped, cut and
	// padded, by the section's text: most of a screen's sections survive
	// a change (a step's result leaves its explanation and commands as
	// they were), and measuring the width of every grapheme of them again
	// was most of a workshop's CPU. It is replaced, never changed, so a
	// copy of the pane keeps a consistent one.
	fitted      map[string][]string
	fittedWidth int
	// laidOut is the root's layout this screen was last laid out for
	// (Model.fitActive).
	laidOut int
}

func newPane(c common) pane {
	vp := viewport.New()
	// The root's KeyMap drives scrolling: the viewport's own pager keys
	// (b, f, d, u, ...) would collide with the walkthrough's.
	vp.KeyMap = viewport.KeyMap{}
	vp.MouseWheelEnabled = true
	return pane{c: c, vp: &vp, resultLine: -1}
}

// SetSize sets the pane's outer size.
func (p *pane) SetSize(w, h int) {
	p.width, p.height = w, h
	vp := p.scroll()
	vp.SetWidth(w)
	vp.SetHeight(h)
	p.blank = strings.Repeat(" ", max(w, 0))
}

// screen is which screen is active: an index into Model.screens.
type screen int

const (
	screenWelcome screen = iota
	screenConfirm        // real AWS only: what will be created and what it costs
	screenStep
	screenSummary
	screenExperiments // the what-ifs, after the parts and before cleanup
)

// screenComponent is a screen the root can route to: a component that
// scrolls, takes the shared context and says what Enter does on it.
type screenComponent interface {
	component
	setCommon(common)
	scroller() *pane
	// update is the screen's Update, applied in place: the root routes
	// through this interface without knowing the screen's type.
	update(tea.Msg) tea.Cmd
	// visible is the body as drawn: exactly the pane's height in lines of
	// exactly its width (the pane's, unless the screen draws something else,
	// such as the policy editor).
	visible() []string
	hint() string
	// header is the screen's name and subtitle for the header ("Part n of
	// N" and the step's title); location is its name where room is short.
	header() (string, string)
	location() string
	// enter is what the screen does as it comes on display.
	enter(w *walk)
	// setKeys enables on the shared KeyMap the keys that act on the screen
	// now (the root has disabled every screen's keys first).
	setKeys(k *KeyMap, w *walk)
	// place is where in the walk the screen stands, for the sidebar.
	place() place
	// capturing reports whether keys are text typed into the screen (q and
	// ? are letters then), whose scrolling is its own.
	capturing() bool
}

// addressed is a message for one screen, shown or not: a result that may
// come back after the learner left the screen that asked for it.
type addressed interface{ to() screen }

func (p *pane) scroller() *pane { return p }

func (p *pane) capturing() bool { return false }

// scroll is the viewport to change: a copy, which the pane then keeps.
func (p *pane) scroll() *viewport.Model {
	vp := *p.vp
	p.vp = &vp
	return p.vp
}

// GotoTop scrolls back to the beginning.
func (p *pane) GotoTop() {
	p.pinned = false
	p.scroll().GotoTop()
}

// contentWidth is the width screens lay their text out to: one column of
// air on the right.
func (p pane) contentWidth() int { return max(p.width-1, 10) }

// setSections joins a screen's sections and sets them as content. Anything a
// renderer let run past the width wraps here rather than being cut. Each
// section is wrapped on its own, which is the same as wrapping them joined
// (a newline ends a line for ansi.Wrap whatever came before it), so a section
// unchanged since the last call is taken as it was laid out then.
func (p *pane) setSections(sections []string, resultLine int, top bool) {
	cw := p.contentWidth()
	old := p.fitted
	if p.fittedWidth != p.width {
		old = nil
	}
	fitted := make(map[string][]string, len(sections))
	n := 0
	for _, s := range sections {
		ls, ok := fitted[s]
		if !ok {
			if ls, ok = old[s]; !ok {
				ls = p.fit(strings.Split(ansi.Wrap(s, cw, ""), "\n"))
			}
			fitted[s] = ls
		}
		n += len(ls)
	}
	lines := make([]string, 0, n)
	for _, s := range sections {
		lines = append(lines, fitted[s]...)
	}
	p.fitted, p.fittedWidth = fitted, p.width
	p.setLines(lines, resultLine, top)
}

// SetContent replaces the content; resultLine marks the result section.
// With top the view returns to the beginning (a new screen).
func (p *pane) SetContent(s string, resultLine int, top bool) {
	p.setLines(p.fit(strings.Split(s, "\n")), resultLine, top)
}

// fit cuts and pads lines, in place, to exactly the pane's width.
func (p *pane) fit(lines []string) []string {
	for i, l := range lines {
		lw := ansi.StringWidth(l)
		if lw > p.width {
			l = ansi.Truncate(l, p.width, "")
			lw = ansi.StringWidth(l)
		}
		if lw < p.width {
			l += p.blank[:p.width-lw]
		}
		lines[i] = l
	}
	return lines
}

// setLines makes lines, already fitted, the content.
func (p *pane) setLines(lines []string, resultLine int, top bool) {
	p.lines = lines
	// The viewport keeps only the scroll position: the pane draws its own
	// lines (visible), so the viewport gets as many empty ones, and does not
	// measure the width of every line again to scroll sideways, which the
	// pane never does. One empty line would count as no content.
	placeholders := make([]string, len(lines))
	if len(placeholders) == 1 {
		placeholders[0] = " "
	}
	vp := p.scroll()
	vp.SetContentLines(placeholders)
	p.resultLine = resultLine
	switch {
	case top:
		p.pinned = false
		vp.GotoTop()
	case p.pinned:
		p.showResult()
	}
}

// showResult brings the result section to the top of the pane unless the
// whole content already fits, so the presenter who pressed Enter sees what
// happened without scrolling (the explanation is one PgUp away).
func (p *pane) showResult() {
	if p.resultLine < 0 {
		return
	}
	p.pinned = true
	if p.vp.TotalLineCount() <= p.height {
		return
	}
	p.scroll().SetYOffset(p.resultLine)
}

// scrollTo puts content line y at the top.
func (p *pane) scrollTo(y int) { p.scroll().SetYOffset(y) }

// Update handles the mouse wheel.
func (p pane) Update(msg tea.Msg) (pane, tea.Cmd) {
	var cmd tea.Cmd
	if _, ok := msg.(tea.MouseWheelMsg); ok {
		p.pinned = false
	}
	vp := p.scroll()
	*vp, cmd = vp.Update(msg)
	return p, cmd
}

// handleKey scrolls for the scroll bindings and reports whether it did.
func (p pane) handleKey(msg tea.KeyPressMsg) (pane, bool) {
	k := p.c.keys
	vp := *p.vp
	switch {
	case key.Matches(msg, k.Up):
		vp.ScrollUp(1)
	case key.Matches(msg, k.Down):
		vp.ScrollDown(1)
	case key.Matches(msg, k.PageUp):
		vp.PageUp()
	case key.Matches(msg, k.PageDown):
		vp.PageDown()
	case key.Matches(msg, k.Top):
		vp.GotoTop()
	case key.Matches(msg, k.Bottom):
		vp.GotoBottom()
	default:
		return p, false
	}
	p.vp = &vp
	p.pinned = false
	return p, true
}

// KeyMap lists the pane's bindings for help.
func (p pane) KeyMap() []key.Binding { return p.c.keys.scrollBindings() }

// content is the whole content as laid out, every line at the pane's width.
func (p pane) content() string { return strings.Join(p.lines, "\n") }

// View renders the visible part.
func (p pane) View() string { return strings.Join(p.visible(), "\n") }

// visible returns exactly height lines of exactly width cells.
func (p pane) visible() []string {
	out := make([]string, p.height)
	off := p.vp.YOffset()
	for i := range out {
		if j := off + i; j >= 0 && j < len(p.lines) {
			out[i] = p.lines[j]
		} else {
			out[i] = p.blank
		}
	}
	return out
}

// scrollHint says whether there is more above or below, in words at either
// end: a bare "0%" next to the progress bar's percentage read as progress.
func (p pane) scrollHint() string {
	if p.vp.TotalLineCount() <= p.height {
		return ""
	}
	switch {
	case p.vp.AtTop():
		return "↓ more below"
	case p.vp.AtBottom():
		return "↑ end"
	}
	return "↕ " + itoa(int(p.vp.ScrollPercent()*100+0.5)) + "%"
}

func (v *welcomeView) update(msg tea.Msg) (cmd tea.Cmd)     { *v, cmd = v.Update(msg); return cmd }
func (v *confirmView) update(msg tea.Msg) (cmd tea.Cmd)     { *v, cmd = v.Update(msg); return cmd }
func (v *partView) update(msg tea.Msg) (cmd tea.Cmd)        { *v, cmd = v.Update(msg); return cmd }
func (v *summaryView) update(msg tea.Msg) (cmd tea.Cmd)     { *v, cmd = v.Update(msg); return cmd }
func (v *experimentsView) update(msg tea.Msg) (cmd tea.Cmd) { *v, cmd = v.Update(msg); return cmd }
