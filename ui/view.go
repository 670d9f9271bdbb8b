package ui

import (
	"fmt"
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/progress"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// Minimum usable terminal size; below it the screen says so.
const (
	minWidth  = 60
	minHeight = 16
)

func (m *Model) applyStyles() {
	st := DefaultStyles(m.isDark, m.opts.NoColor) // one per palette: components hold a pointer to it
	m.styles, m.c.styles = &st, &st
	m.c.mdStyle = markdownStyle(m.isDark, m.opts.NoColor)
	m.spinner.Style = m.styles.Spinner
	m.editHelp().Styles = m.styles.Help
	if m.styles.NoColor {
		m.bar = progress.New(progress.WithFillCharacters('#', '.'))
		m.bar.FullColor, m.bar.EmptyColor = lipgloss.NoColor{}, lipgloss.NoColor{}
	} else {
		m.bar = progress.New(progress.WithFillCharacters('█', '░'))
		m.bar.FullColor, m.bar.EmptyColor = m.styles.ProgFull, m.styles.ProgEmpty
	}
	if m.c.width > 0 { // New styles first and lays out once, at its size
		m.layout()
	}
}

// View draws the whole screen.
func (m Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "kmslab — " + m.active().location()
	return v
}

func (m *Model) resize(w, h int) {
	m.c.width, m.c.height = w, h
	m.layout()
}

// layout computes the frame's parts from the terminal size and cascades the
// sizes and the shared context to every component.
func (m *Model) layout() {
	w, h := m.c.width, m.c.height
	m.editHelp().SetWidth(w)
	side := sidebarWidth(w)
	footer := 2 // the status line and the short help
	if m.help.ShowAll {
		footer = 1 + tallestColumn(m.helpKeys())
	}
	bodyH := max(h-headerHeight-footer, 1)
	m.sidebar.c = m.c
	m.sidebar.SetSize(side, bodyH)
	m.syncSidebar()
	paneW := max(w-side, 1)
	if side > 0 {
		paneW = max(w-side-1, 1) // one column of air after the sidebar's rule
	}
	// Only the screen on display is laid out now; the others take the
	// size here and lay their content out when shown (fitActive): every
	// screen at every restyle and resize was a third of a new session's
	// cost.
	m.laidOut.gen++
	m.laidOut.w, m.laidOut.h = paneW, bodyH
	for _, s := range m.screens() {
		s.setCommon(m.c)
		s.scroller().SetSize(paneW, bodyH)
	}
	m.fitActive()
	m.syncSummary()
}

// editHelp is the help to change: a copy, which this Model then keeps.
func (m *Model) editHelp() *help.Model {
	h := *m.help
	m.help = &h
	return m.help
}

// fitActive lays the screen on display out at the latest layout's size,
// unless it already is.
func (m *Model) fitActive() {
	a := m.active()
	if p := a.scroller(); p.laidOut != m.laidOut.gen {
		a.SetSize(m.laidOut.w, m.laidOut.h)
		p.laidOut = m.laidOut.gen
	}
}

func sidebarWidth(w int) int {
	switch {
	case w >= 120:
		return 26
	case w >= 80:
		return 22 // every short part title fits whole; the pane keeps 57 columns at 80
	default:
		return 0 // narrow: the header still says where we are
	}
}

const headerHeight = 3

// tallestColumn is how many lines the full help takes: its longest column
// of bindings shown.
func tallestColumn(keys help.KeyMap) int {
	n := 0
	for _, g := range keys.FullHelp() {
		shown := 0
		for _, b := range g {
			if b.Enabled() {
				shown++
			}
		}
		n = max(n, shown)
	}
	return n
}

// render composes the frame from parts rendered when they changed (header,
// sidebar, pane lines, help: see cacheChrome and refresh); per frame it only
// joins lines, which keeps View far below a millisecond.
func (m *Model) render() string {
	w, h := m.c.width, m.c.height
	if !m.sized || w <= 0 || h <= 0 {
		return "" // the terminal's size is not known yet: see Model.sized
	}
	if m.tooSmall() {
		return tooSmallView(m.styles, w, h)
	}
	var b strings.Builder
	b.Grow((w + 32) * h * 2)
	b.WriteString(m.chrome.header)
	active := m.active()
	if m.quitting {
		ph := active.scroller().height
		body := lipgloss.Place(w, ph, lipgloss.Center, lipgloss.Center, m.quitPrompt.View(m.c, active.scroller().width, &m.walk))
		b.WriteString("\n")
		b.WriteString(lipgloss.NewStyle().MaxWidth(w).MaxHeight(ph).Render(body))
	} else {
		pl := active.visible()
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
// Each part keeps what it was drawn from: Update runs for every message (a
// spinner frame, a progress report), and drawing the same header, sidebar
// and help again for each was a tenth of a workshop's CPU.
type chrome struct {
	header   string
	side     []string
	help     string
	headerOf headerKey
	sideOf   sideKey
	helpOf   string
}

// headerKey is what the header is drawn from, beyond the mode and identity,
// which do not change while the program runs.
type headerKey struct {
	styles                  *Styles
	width, done             int
	course, label, subtitle string
}

// sideKey is what the sidebar is drawn from.
type sideKey struct {
	styles        *Styles
	width, height int
	current       int
	spin          string
	entries       []sideEntry
}

// equal reports whether k and o draw the same sidebar but for the spinner's
// frame, and whether that is the same too.
func (k sideKey) equal(o sideKey) (butSpin, same bool) {
	butSpin = k.styles == o.styles && k.width == o.width && k.height == o.height &&
		k.current == o.current && slices.Equal(k.entries, o.entries)
	return butSpin, butSpin && k.spin == o.spin
}

// updateKeybindings enables the bindings that act in the current state: the
// quit prompt's answers while it is open, else the active screen's. The
// help bar lists the same bindings, so what it shows and what answers are
// the same keys.
func (m *Model) updateKeybindings() {
	k := m.c.keys
	for _, b := range k.screenKeys() {
		b.SetEnabled(false)
	}
	if m.quitting {
		enable(&k.Yes, &k.No, &k.Cancel)
	} else {
		m.active().setKeys(k, &m.walk)
	}
	k.Quit.SetEnabled(!m.quitting) // the prompt is already the way out
	if m.help.ShowAll {
		k.Help.SetHelp("?", "close")
	} else {
		k.Help.SetHelp("?", "keys")
	}
}

// cacheChrome re-renders header, sidebar and help after a state change, each
// only when what it is drawn from changed.
func (m *Model) cacheChrome() {
	if m.c.width <= 0 || m.c.styles == nil {
		return
	}
	m.updateKeybindings()
	label, sub := m.active().header()
	hk := headerKey{styles: m.c.styles, width: m.c.width, done: m.partsDone(), course: m.course.Title, label: label, subtitle: sub}
	if hk != m.chrome.headerOf || m.chrome.header == "" {
		m.chrome.header, m.chrome.headerOf = renderHeader(m.c.run, m.styles, m.bar, m.course.PartCount(), hk), hk
	}
	s := m.sidebar
	sk := sideKey{styles: s.c.styles, width: s.width, height: s.height, current: s.current, spin: s.spin, entries: s.entries}
	switch butSpin, same := sk.equal(m.chrome.sideOf); {
	case m.chrome.side == nil || !butSpin:
		m.chrome.side, m.chrome.sideOf = s.lines(), sk
	case !same:
		m.chrome.side, m.chrome.sideOf = s.respin(m.chrome.side), sk
	}
	keys := m.helpKeys()
	if hf := helpFingerprint(keys, m.c.width, m.c.styles, m.help.ShowAll); hf != m.chrome.helpOf {
		help := m.help.View(keys)
		lines := strings.Split(help, "\n")
		for i, l := range lines {
			lines[i] = ansi.Truncate(l, m.c.width, "")
		}
		m.chrome.help, m.chrome.helpOf = strings.Join(lines, "\n"), hf
	}
}

// helpFingerprint is everything the help line is drawn from: its bindings as
// shown (enabled or not, key and description), open or not, the width and
// the styles.
func helpFingerprint(keys help.KeyMap, width int, styles *Styles, showAll bool) string {
	var b strings.Builder
	b.WriteString(itoa(width))
	fmt.Fprintf(&b, " %p %t", styles, showAll)
	add := func(bs []key.Binding) {
		b.WriteByte('|')
		for _, k := range bs {
			if k.Enabled() {
				h := k.Help()
				b.WriteString(h.Key)
				b.WriteByte('\x00')
				b.WriteString(h.Desc)
				b.WriteByte('\x00')
			}
		}
	}
	add(keys.ShortHelp())
	for _, col := range keys.FullHelp() {
		add(col)
	}
	return b.String()
}

// tooSmallView says how large the terminal must be.
func tooSmallView(st *Styles, w, h int) string {
	msg := "Terminal too small: " + itoa(w) + "×" + itoa(h) + ".\nkmslab needs at least " +
		itoa(minWidth) + "×" + itoa(minHeight) + " (80×24 or more is best).\nEnlarge the window, or press q to quit."
	msg = ansi.Wrap(msg, max(w, 1), "")
	return lipgloss.NewStyle().MaxWidth(w).MaxHeight(h).
		Render(lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, st.Warn.Render(msg)))
}

// renderHeader is the lab's title and where it runs, then the screen's
// name (hk) and how many parts reached the state the lab wants, drawn
// statically (ViewAs): no animation frames, nothing moves by itself.
func renderHeader(run runInfo, st *Styles, pb progress.Model, parts int, hk headerKey) string {
	w := hk.width
	badge := st.Badge.Render("OFFLINE")
	if run.mode == AWS {
		region := run.identity.Region
		badge = st.BadgeAWS.Render("AWS " + run.identity.Account + " " + region)
		if ep := run.endpoint; ep != "" {
			badge = st.BadgeAWS.Render("ENDPOINT " + endpointHost(ep) + " " + region)
		}
	}
	title := st.Title.Render("kmslab") + st.Muted.Render(" · "+hk.course)
	gap := max(w-lipgloss.Width(title)-lipgloss.Width(badge), 1)
	line1 := ansi.Truncate(title+strings.Repeat(" ", gap)+badge, w, "")

	left := st.Bold.Render(hk.label)
	if hk.subtitle != "" {
		left += st.Muted.Render(" · ") + st.Accent.Render(hk.subtitle)
	}
	pb.SetWidth(min(max(w/4, 10), 30))
	bar := pb.ViewAs(float64(hk.done) / float64(max(parts, 1)))
	gap = max(w-lipgloss.Width(left)-lipgloss.Width(bar), 1)
	if lipgloss.Width(left)+lipgloss.Width(bar)+1 > w {
		left = ansi.Truncate(left, max(w-lipgloss.Width(bar)-2, 1), "…")
		gap = max(w-lipgloss.Width(left)-lipgloss.Width(bar), 1)
	}
	line2 := ansi.Truncate(left+strings.Repeat(" ", gap)+bar, w, "")
	rule := st.TableEdge.Render(strings.Repeat("─", w))
	return line1 + "\n" + line2 + "\n" + rule
}

// renderStatus is the line above the help: what is running, a note, or
// what Enter does here, plus the scroll position.
func (m *Model) renderStatus() string {
	st := m.styles
	w := m.c.width
	scroll, hint := "", m.active().hint()
	if m.quitting {
		hint = quitHint
	}
	// A screen that captures keys (the policy editor) scrolls itself: the
	// pane's hint would be about the text under it.
	if sh := m.active().scroller().scrollHint(); sh != "" && !m.quitting && !m.active().capturing() {
		scroll = st.Muted.Render("  " + sh)
	}
	room := w - ansi.StringWidth(scroll)
	var status string
	switch {
	case m.running >= 0:
		// A wait's report says what it waits for ("waiting for IAM to …"):
		// it is not prefixed twice, so it fits an 80-column status line.
		label, prefix := m.waitingLabel(), "Waiting: "
		if rest, ok := strings.CutPrefix(label, "waiting "); ok {
			label, prefix = rest, "Waiting "
		}
		status = st.Spinner.Render(m.spinner.View()) + " " + st.Warn.Render(prefix) + label
	case m.flash != "":
		// The hint stays when there is room: the note adds, it does not replace.
		status = st.Flash.Render(m.flash)
		if ansi.StringWidth(m.flash+"  "+hint) <= room {
			status += "  " + st.StatusBar.Render(hint)
		}
	default:
		status = st.StatusBar.Render(hint)
	}
	if scroll != "" {
		status = ansi.Truncate(status, max(room, 1), "…")
		status = padRight(status, room) + scroll
	}
	return ansi.Truncate(status, w, "…")
}

// helpKeys are the help's bindings: the active screen's, or none of a
// screen's while the quit prompt is open.
func (m *Model) helpKeys() help.KeyMap {
	if m.quitting {
		return newHelpKeys(m.c.keys, noKeys{}, m.c.width)
	}
	return newHelpKeys(m.c.keys, m.active(), m.c.width)
}

// newHelpKeys are a screen's bindings (own), then the dialog's and the
// global ones; disabled bindings drop out by themselves. Below 80 columns
// the full help packs them into two columns, scrolling abbreviated, so quit
// and scrolling stay on screen (help drops the columns that do not fit).
func newHelpKeys(k *KeyMap, own help.KeyMap, width int) helpKeys {
	global := []key.Binding{k.Yes, k.No, k.Cancel, k.Experiments, k.Help, k.Quit}
	full := append(own.FullHelp(), global)
	if width < 80 {
		cols := own.FullHelp()
		var first, second []key.Binding
		if len(cols) > 0 {
			first = cols[0]
		}
		first = append(append([]key.Binding(nil), first...), global...)
		for _, c := range cols[min(1, len(cols)):] {
			if len(c) > 0 && c[0].Help() == k.Up.Help() {
				continue // the scroll column, abbreviated below
			}
			second = append(second, c...)
		}
		full = [][]key.Binding{first, append(second, k.compactScroll()...)}
	}
	return helpKeys{
		short: uniqueBindings(append(append([]key.Binding{k.Yes, k.No, k.Cancel, k.Experiments}, own.ShortHelp()...), k.Help, k.Quit)),
		full:  full,
	}
}

// uniqueBindings drops a binding shown already: a screen may list a global
// key (esc on the policy editor) that the footer names anyway.
func uniqueBindings(bs []key.Binding) []key.Binding {
	out := bs[:0:0]
	seen := map[key.Help]bool{}
	for _, b := range bs {
		if b.Enabled() && seen[b.Help()] {
			continue
		}
		seen[b.Help()] = b.Enabled()
		out = append(out, b)
	}
	return out
}

// helpKeys is a help.KeyMap made of fixed lists.
type helpKeys struct {
	short []key.Binding
	full  [][]key.Binding
}

func (h helpKeys) ShortHelp() []key.Binding  { return h.short }
func (h helpKeys) FullHelp() [][]key.Binding { return h.full }

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

func (m *Model) tooSmall() bool { return m.c.width < minWidth || m.c.height < minHeight }
