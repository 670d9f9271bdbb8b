package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// render composes the frame from parts rendered when they changed (header,
// sidebar, pane lines, help: see cacheChrome and refresh); per frame it only
// joins lines, which keeps View far below a millisecond.
func (m Model) render() string {
	w, h := m.c.width, m.c.height
	if w <= 0 || h <= 0 {
		return ""
	}
	if m.tooSmall() {
		return m.renderTooSmall()
	}
	var b strings.Builder
	b.Grow((w + 32) * h * 2)
	b.WriteString(m.chrome.header)
	if m.quitting {
		body := lipgloss.Place(w, m.pane.height, lipgloss.Center, lipgloss.Center, m.renderQuitPrompt())
		b.WriteString("\n")
		b.WriteString(lipgloss.NewStyle().MaxWidth(w).MaxHeight(m.pane.height).Render(body))
	} else {
		pl := m.pane.visible()
		for i, l := range pl {
			b.WriteString("\n")
			if i < len(m.chrome.side) {
				b.WriteString(m.chrome.side[i])
				b.WriteString(" ")
			}
			b.WriteString(l)
		}
	}
	b.WriteString("\n")
	b.WriteString(m.renderStatus())
	b.WriteString("\n")
	b.WriteString(m.chrome.help)
	return b.String()
}

// chrome is the frame around the pane, rendered in Update when it changes.
type chrome struct {
	header string
	side   []string
	help   string
}

// cacheChrome re-renders header, sidebar and help after a state change.
func (m *Model) cacheChrome() {
	if m.c.width <= 0 || m.c.styles == nil {
		return
	}
	m.chrome.header = m.renderHeader()
	m.chrome.side = m.sidebar.lines()
	help := m.help.View(m.helpKeys())
	lines := strings.Split(help, "\n")
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, m.c.width, "")
	}
	m.chrome.help = strings.Join(lines, "\n")
}

func (m Model) renderTooSmall() string {
	w, h := m.c.width, m.c.height
	msg := "Terminal too small: " + itoa(w) + "×" + itoa(h) + ".\nkmslab needs at least " +
		itoa(minWidth) + "×" + itoa(minHeight) + " (80×24 or more is best).\nEnlarge the window, or press q to quit."
	msg = ansi.Wrap(msg, max(w, 1), "")
	return lipgloss.NewStyle().MaxWidth(w).MaxHeight(h).
		Render(lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, m.styles.Warn.Render(msg)))
}

func (m Model) renderHeader() string {
	st := m.styles
	w := m.c.width
	badge := st.Badge.Render("OFFLINE")
	if m.opts.Mode == AWS {
		region := m.opts.Identity.Region
		badge = st.BadgeAWS.Render("AWS " + m.opts.Identity.Account + " " + region)
		if ep := m.opts.Endpoint; ep != "" {
			badge = st.BadgeAWS.Render("ENDPOINT " + endpointHost(ep) + " " + region)
		}
	}
	title := st.Title.Render("kmslab") + st.Muted.Render(" · Encrypt data with AWS KMS")
	gap := max(w-lipgloss.Width(title)-lipgloss.Width(badge), 1)
	line1 := ansi.Truncate(title+strings.Repeat(" ", gap)+badge, w, "")

	label, title2 := m.headerLabel()
	left := st.Bold.Render(label)
	if title2 != "" {
		left += st.Muted.Render(" · ") + st.Accent.Render(title2)
	}
	barW := min(max(w/4, 10), 30)
	bar := m.progressBar(barW)
	gap = max(w-lipgloss.Width(left)-lipgloss.Width(bar), 1)
	if lipgloss.Width(left)+lipgloss.Width(bar)+1 > w {
		left = ansi.Truncate(left, max(w-lipgloss.Width(bar)-2, 1), "…")
		gap = max(w-lipgloss.Width(left)-lipgloss.Width(bar), 1)
	}
	line2 := ansi.Truncate(left+strings.Repeat(" ", gap)+bar, w, "")
	rule := st.TableEdge.Render(strings.Repeat("─", w))
	return line1 + "\n" + line2 + "\n" + rule
}

// headerLabel is "Part n of 6" and the step's title, or the screen's name.
func (m Model) headerLabel() (string, string) {
	switch m.screen {
	case screenWelcome:
		return "Welcome", ""
	case screenConfirm:
		if m.opts.Endpoint != "" {
			return "Before we start", "what will be created at the endpoint"
		}
		return "Before we start", "what will be created in your account"
	case screenSummary:
		return "Summary", "what you did"
	}
	if m.cur >= len(m.opts.Steps) {
		return "", ""
	}
	s := m.opts.Steps[m.cur]
	if m.isCleanup(m.cur) {
		if strings.EqualFold(strings.ReplaceAll(s.Title, " ", ""), "cleanup") {
			return "Cleanup", ""
		}
		return "Cleanup", s.Title
	}
	return "Part " + itoa(s.Part) + " of " + itoa(partCount), s.Title
}

// progressBar shows how many parts have reached the state the lab wants. It
// is drawn statically (ViewAs): no animation frames, nothing moves by itself.
func (m Model) progressBar(width int) string {
	done := 0
	for i, s := range m.steps {
		if !m.isCleanup(i) && (s.status == statusDone || s.status == statusDenied) {
			done++
		}
	}
	p := m.bar
	p.SetWidth(width)
	return p.ViewAs(float64(done) / float64(partCount))
}

// renderStatus is the line above the help: what is running, a note, or
// what Enter does here, plus the scroll position.
func (m Model) renderStatus() string {
	st := m.styles
	w := m.c.width
	var status string
	switch {
	case m.running >= 0:
		status = st.Spinner.Render(m.spinner.View()) + " " + st.Warn.Render("Waiting: ") + m.waitingLabel()
	case m.flash != "":
		status = st.Flash.Render(m.flash)
	default:
		status = st.StatusBar.Render(m.hint())
	}
	if hint := m.pane.scrollHint(); hint != "" && !m.quitting {
		hint = st.Muted.Render("  " + hint)
		hw := ansi.StringWidth(hint)
		status = ansi.Truncate(status, max(w-hw, 1), "…")
		status = padRight(status, w-hw) + hint
	}
	return ansi.Truncate(status, w, "…")
}

// hint says what Enter does here.
func (m Model) hint() string {
	if m.quitting {
		return "Answer above: y, n or esc."
	}
	switch m.screen {
	case screenWelcome:
		if m.opts.Mode == AWS {
			return "Press Enter to review what will be created."
		}
		return "Press Enter to begin with part 1."
	case screenConfirm:
		return "Press y to create these resources, n to go back."
	case screenSummary:
		return "Press Enter or q to quit."
	}
	if m.cur >= len(m.steps) {
		return ""
	}
	switch m.steps[m.cur].status {
	case statusPending:
		if m.isCleanup(m.cur) {
			return "Press Enter to remove everything this run created."
		}
		return "Press Enter to run part " + itoa(m.opts.Steps[m.cur].Part) + "."
	case statusFailed:
		return "This step failed. Press r to retry, ← to go back."
	default:
		if m.cur+1 < len(m.steps) {
			return "Press Enter to continue."
		}
		return "Press Enter for the summary."
	}
}

// helpKeys are the bindings that do something on the current screen.
func (m Model) helpKeys() KeyMap {
	k := m.keys
	enable := func(b key.Binding, on bool) key.Binding { b.SetEnabled(on); return b }
	onStep := m.screen == screenStep && !m.quitting
	var st status
	if onStep && m.cur < len(m.steps) {
		st = m.steps[m.cur].status
	}
	k.Next = enable(k.Next, !m.quitting && m.screen != screenConfirm)
	k.Back = enable(k.Back, !m.quitting && m.screen != screenWelcome)
	k.Forward = enable(k.Forward, onStep && (st == statusDone || st == statusDenied))
	k.Retry = enable(k.Retry, onStep && st == statusFailed)
	k.Copy = enable(k.Copy, onStep && len(m.cliLines(m.cur)) > 0)
	k.ToggleExplain = enable(k.ToggleExplain, onStep)
	k.ToggleAtRest = enable(k.ToggleAtRest, onStep && m.opts.Extras != nil)
	k.ToggleAudit = enable(k.ToggleAudit, onStep && m.opts.Extras != nil)
	dialog := m.quitting || m.screen == screenConfirm
	k.Yes = enable(k.Yes, dialog)
	k.No = enable(k.No, dialog)
	k.Cancel = enable(k.Cancel, m.quitting)
	k.Quit = enable(k.Quit, !m.quitting) // the prompt is already the way out
	if m.help.ShowAll {
		k.Help.SetHelp("?", "close")
	}
	return k
}

// endpointHost shortens an endpoint URL to its host for the header badge.
func endpointHost(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	}
	if i := strings.IndexByte(u, '/'); i >= 0 {
		u = u[:i]
	}
	return u
}
