// Package ui is the kmslab walkthrough as a Bubble Tea program: a welcome
// screen, one screen per part of the lab with its explanation, AWS CLI
// equivalent and live result, cleanup and a summary. The lab itself runs in
// package steps (through awsops); the ui only issues commands and renders
// their typed outcomes.
package ui

import (
	"context"
	"os"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/progress"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"

	"kmslab/awsops"
	"kmslab/steps"
)

// Mode says where the lab runs.
type Mode int

// Modes.
const (
	Offline Mode = iota // the in-process simulated AWS
	AWS                 // a real AWS account (or a compatible endpoint)
)

// Options configure the walkthrough.
type Options struct {
	Lab      *awsops.Lab
	Steps    []steps.Step // parts 1-6 then cleanup (Part 7), as steps.All returns
	Identity awsops.Identity
	// Names are the run's resource names; default Lab.Names().
	Names awsops.Names
	Mode  Mode
	// Endpoint is the custom endpoint URL in AWS mode (--endpoint-url), empty
	// for AWS itself; default: the one the lab's ledger records. The screens
	// then name it instead of promising real resources and real costs.
	Endpoint string
	// Extras, offline only, enables the at-rest and audit-trail panels.
	Extras Extras
	// Progress delivers awsops progress reports to the status line.
	Progress *ProgressFeed
	// Width and Height are the initial size, until the terminal reports its own.
	Width, Height int
	// Dark forces a light (false) or dark (true) palette; nil asks the terminal.
	Dark *bool
	// NoColor drops all colors; New also honours the NO_COLOR environment variable.
	NoColor bool
	// Context is the parent of every step's context; default Background.
	Context context.Context
}

type screen int

const (
	screenWelcome screen = iota
	screenConfirm        // real AWS only: what will be created and what it costs
	screenStep
	screenSummary
)

// Minimum usable terminal size; below it the screen says so.
const (
	minWidth  = 60
	minHeight = 16
)

// stepState is the walkthrough's memory of one step.
type stepState struct {
	status  status
	outcome steps.Outcome
	ran     bool
	run     int // id of the latest run, to drop stale results
}

// Model is the root of the walkthrough and the only tea.Model.
type Model struct {
	opts   Options
	c      common
	styles Styles
	keys   KeyMap
	isDark bool

	screen screen
	cur    int
	steps  []stepState

	running  int // index of the running step, -1 when idle
	nextRun  int
	cancel   context.CancelFunc
	waiting  string // what the running step waits for
	flash    string // one-shot note, cleared by the next key
	quitting bool   // the quit prompt is open
	// quitAfterCleanup makes a successful cleanup end the program (chosen in the quit prompt).
	quitAfterCleanup bool

	showExplain, showAtRest, showAudit bool
	extras                             *extrasMsg
	extrasRun                          int
	lastItems                          []awsops.Item
	lastItemsPart                      int // the part whose read produced lastItems

	spinner spinner.Model
	bar     progress.Model
	help    help.Model
	sidebar sidebar
	pane    pane

	chrome chrome
}

// New builds the walkthrough. It makes no AWS call.
func New(o Options) Model {
	if o.Context == nil {
		o.Context = context.Background()
	}
	if o.Names == (awsops.Names{}) && o.Lab != nil {
		o.Names = o.Lab.Names()
	}
	if o.Mode == AWS {
		o.Extras = nil // the panels describe the simulator; AWS cannot show them
		if o.Endpoint == "" && o.Lab != nil {
			o.Endpoint = o.Lab.Ledger().Endpoint
		}
	} else {
		o.Endpoint = ""
	}
	if _, ok := os.LookupEnv("NO_COLOR"); ok {
		o.NoColor = true
	}
	m := Model{
		opts:        o,
		keys:        DefaultKeyMap(),
		isDark:      true,
		steps:       make([]stepState, len(o.Steps)),
		running:     -1,
		showExplain: true,
		showAtRest:  o.Extras != nil,
		showAudit:   o.Extras != nil,
		help:        help.New(),
	}
	if o.Dark != nil {
		m.isDark = *o.Dark
	}
	m.spinner = spinner.New(spinner.WithSpinner(spinner.MiniDot))
	m.c = common{md: newMDCache(), keys: &m.keys}
	m.applyStyles()
	w, h := o.Width, o.Height
	if w == 0 || h == 0 {
		w, h = 80, 24
	}
	m.resize(w, h)
	m.cacheChrome()
	return m
}

// Init asks the terminal for its background, to pick light or dark colors,
// and starts listening for progress reports.
func (m Model) Init() tea.Cmd {
	var cmds []tea.Cmd
	if m.opts.Dark == nil {
		cmds = append(cmds, tea.RequestBackgroundColor)
	}
	cmds = append(cmds, m.listenProgress())
	return tea.Batch(cmds...)
}

func (m *Model) applyStyles() {
	m.styles = DefaultStyles(m.isDark, m.opts.NoColor)
	m.c.styles = &m.styles
	m.c.mdStyle = markdownStyle(m.isDark, m.opts.NoColor)
	m.spinner.Style = m.styles.Spinner
	m.help.Styles = m.styles.Help
	if m.styles.NoColor {
		m.bar = progress.New(progress.WithFillCharacters('#', '.'))
		m.bar.FullColor, m.bar.EmptyColor = lipgloss.NoColor{}, lipgloss.NoColor{}
	} else {
		m.bar = progress.New(progress.WithFillCharacters('█', '░'))
		m.bar.FullColor, m.bar.EmptyColor = m.styles.ProgFull, m.styles.ProgEmpty
	}
}

// Update routes messages: sizes, colors, keys and app messages are handled
// here, scrolling goes to the pane.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m, cmd := m.update(msg)
	m.cacheChrome()
	return m, cmd
}

func (m Model) update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.resize(msg.Width, msg.Height)
		return m, nil
	case tea.BackgroundColorMsg:
		if m.opts.Dark == nil {
			m.isDark = msg.IsDark()
			m.applyStyles()
			m.refresh(false)
		}
		return m, nil
	case tea.ColorProfileMsg:
		if (msg.Profile == colorprofile.Ascii || msg.Profile == colorprofile.NoTTY) && !m.opts.NoColor {
			m.opts.NoColor = true
			m.applyStyles()
			m.refresh(false)
		}
		return m, nil
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	case tea.MouseWheelMsg:
		var cmd tea.Cmd
		m.pane, cmd = m.pane.Update(msg)
		return m, cmd
	case spinner.TickMsg:
		if m.running < 0 {
			return m, nil // let the spinner stop: nothing is being waited for
		}
		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		m.syncSidebar()
		return m, cmd
	case stepDoneMsg:
		return m.handleStepDone(msg)
	case progressMsg:
		if m.running >= 0 {
			m.waiting = msg.p.String()
			if m.waiting == "" {
				m.waiting = msg.p.Message
			}
		}
		return m, m.listenProgress()
	case extrasMsg:
		if msg.id == m.extrasRun {
			m.extras = &msg
			m.refresh(false)
		}
		return m, nil
	}
	return m, nil
}

// View draws the whole screen.
func (m Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "kmslab — " + m.locationLabel()
	return v
}

func (m *Model) resize(w, h int) {
	m.c.width, m.c.height = w, h
	m.layout()
	m.refresh(false)
}

// layout computes the frame's parts from the terminal size.
func (m *Model) layout() {
	w, h := m.c.width, m.c.height
	m.help.SetWidth(w)
	side := sidebarWidth(w)
	bodyH := max(h-headerHeight-m.footerHeight(), 1)
	m.sidebar = newSidebar(m.c)
	m.sidebar.SetSize(side, bodyH)
	m.syncSidebar()
	paneW := max(w-side, 1)
	if side > 0 {
		paneW = max(w-side-1, 1) // one column of air after the sidebar's rule
	}
	if m.pane.c.styles == nil {
		m.pane = newPane(m.c)
	}
	m.pane.c = m.c
	m.pane.SetSize(paneW, bodyH)
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

func (m Model) footerHeight() int {
	if m.help.ShowAll {
		n := 0
		for _, g := range m.keys.FullHelp() {
			n = max(n, len(g))
		}
		return 1 + n
	}
	return 2
}

// handleKey deals with global keys, the quit prompt, then the screen's keys.
func (m Model) handleKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	m.flash = ""
	if m.quitting {
		return m.handleQuitPrompt(msg)
	}
	switch {
	case key.Matches(msg, m.keys.Quit):
		return m.askQuit()
	case key.Matches(msg, m.keys.Help):
		m.help.ShowAll = !m.help.ShowAll
		m.layout()
		m.refresh(false)
		return m, nil
	}
	if m.tooSmall() {
		return m, nil
	}
	switch m.screen {
	case screenWelcome:
		return m.handleWelcomeKey(msg)
	case screenConfirm:
		return m.handleConfirmKey(msg)
	case screenStep:
		return m.handleStepKey(msg)
	case screenSummary:
		return m.handleSummaryKey(msg)
	}
	return m, nil
}

func (m Model) scroll(msg tea.KeyPressMsg) (Model, bool) {
	var ok bool
	m.pane, ok = m.pane.handleKey(msg)
	return m, ok
}

func (m Model) handleWelcomeKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	switch {
	case key.Matches(msg, m.keys.Next, m.keys.Forward):
		if m.opts.Mode == AWS {
			m.goTo(screenConfirm, 0)
		} else {
			m.goTo(screenStep, 0)
		}
		return m, nil
	}
	m, _ = m.scroll(msg)
	return m, nil
}

func (m Model) handleConfirmKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	switch {
	case key.Matches(msg, m.keys.Yes):
		m.goTo(screenStep, 0)
		return m, nil
	case key.Matches(msg, m.keys.No, m.keys.Cancel, m.keys.Back):
		m.goTo(screenWelcome, 0)
		return m, nil
	case key.Matches(msg, m.keys.Next):
		m.flash = "Press y to create these resources, or n to go back."
		return m, nil
	}
	m, _ = m.scroll(msg)
	return m, nil
}

func (m Model) handleSummaryKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	switch {
	case key.Matches(msg, m.keys.Next):
		return m.askQuit()
	case key.Matches(msg, m.keys.Back):
		m.goTo(screenStep, len(m.steps)-1)
		return m, nil
	}
	m, _ = m.scroll(msg)
	return m, nil
}

func (m Model) handleStepKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	if len(m.steps) == 0 {
		m.goTo(screenSummary, 0)
		return m, nil
	}
	st := m.steps[m.cur]
	switch {
	case key.Matches(msg, m.keys.Next):
		switch {
		case st.status == statusPending:
			return m.startStep(m.cur)
		case st.status == statusRunning:
			m.flash = "Still running: " + m.waitingLabel()
			return m, nil
		case st.status == statusFailed:
			m.flash = "This step failed: press r to retry it."
			return m, nil
		default:
			m.advance()
			return m, nil
		}
	case key.Matches(msg, m.keys.Forward):
		if st.status == statusDone || st.status == statusDenied {
			m.advance()
		}
		return m, nil
	case key.Matches(msg, m.keys.Back):
		if m.cur == 0 {
			m.goTo(screenWelcome, 0)
		} else {
			m.goTo(screenStep, m.cur-1)
		}
		return m, nil
	case key.Matches(msg, m.keys.Retry):
		if st.status == statusFailed {
			return m.startStep(m.cur)
		}
		return m, nil
	case key.Matches(msg, m.keys.Copy):
		cli := m.cliLines(m.cur)
		if len(cli) == 0 {
			m.flash = "This step has no CLI equivalent to copy."
			return m, nil
		}
		m.flash = "Copied the AWS CLI command to the clipboard (OSC 52)."
		return m, tea.SetClipboard(strings.Join(cli, "\n"))
	case key.Matches(msg, m.keys.ToggleExplain):
		m.showExplain = !m.showExplain
		m.refresh(true)
		return m, nil
	case key.Matches(msg, m.keys.ToggleAtRest):
		if m.opts.Extras == nil {
			m.flash = "The at-rest view exists offline only: AWS does not show stored ciphertext."
			return m, nil
		}
		m.showAtRest = !m.showAtRest
		m.refresh(false)
		return m, m.fetchExtras()
	case key.Matches(msg, m.keys.ToggleAudit):
		if m.opts.Extras == nil {
			m.flash = "The audit panel exists offline only: on AWS, look in CloudTrail."
			return m, nil
		}
		m.showAudit = !m.showAudit
		m.refresh(false)
		return m, m.fetchExtras()
	}
	m, _ = m.scroll(msg)
	return m, nil
}

// advance moves past a finished step: to the next one, or to the summary.
func (m *Model) advance() {
	if m.cur+1 < len(m.steps) {
		m.goTo(screenStep, m.cur+1)
		return
	}
	m.goTo(screenSummary, 0)
}

func (m *Model) goTo(s screen, cur int) {
	m.screen, m.cur = s, cur
	m.syncSidebar()
	m.refresh(true)
	// Going back to a step that ran is going back to its result; the
	// explanation is one PgUp away.
	if s == screenStep && cur < len(m.steps) && m.steps[cur].status != statusPending && m.steps[cur].status != statusRunning {
		m.pane.showResult()
	}
}

// resourcesPresent reports whether the run may have created something that
// cleanup has not yet removed.
func (m Model) resourcesPresent() bool {
	created := false
	for i, s := range m.steps {
		if m.isCleanup(i) {
			if s.status == statusDone && (s.outcome.Cleanup == nil || s.outcome.Cleanup.OK()) {
				return false
			}
			continue
		}
		if s.ran {
			created = true
		}
	}
	return created
}

func (m Model) isCleanup(i int) bool {
	return i >= 0 && i < len(m.opts.Steps) && (m.opts.Steps[i].Part > partCount || m.opts.Steps[i].ID == "cleanup")
}

// partCount is how many parts the lab has; the cleanup step comes after them.
const partCount = 6

func (m Model) cleanupIndex() int {
	for i := range m.opts.Steps {
		if m.isCleanup(i) {
			return i
		}
	}
	return -1
}

func (m Model) askQuit() (Model, tea.Cmd) {
	if !m.resourcesPresent() && m.running < 0 {
		return m, m.quit()
	}
	m.quitting = true
	return m, nil
}

func (m Model) quit() tea.Cmd {
	if m.cancel != nil {
		m.cancel()
	}
	return tea.Quit
}

func (m Model) handleQuitPrompt(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	switch {
	case key.Matches(msg, m.keys.ForceQuit):
		m.quitting = false
		return m, m.quit()
	case key.Matches(msg, m.keys.Cancel):
		m.quitting = false
		return m, nil
	case key.Matches(msg, m.keys.Yes):
		m.quitting = false
		if m.opts.Mode == Offline || !m.resourcesPresent() {
			return m, m.quit()
		}
		ci := m.cleanupIndex()
		if ci < 0 {
			return m, m.quit()
		}
		if m.running >= 0 && m.cancel != nil {
			m.cancel() // the running step would race cleanup
		}
		m.quitAfterCleanup = true
		m.goTo(screenStep, ci)
		return m.startStep(ci)
	case key.Matches(msg, m.keys.No):
		m.quitting = false
		if m.opts.Mode == Offline {
			return m, nil
		}
		return m, m.quit()
	}
	return m, nil
}

func (m Model) tooSmall() bool { return m.c.width < minWidth || m.c.height < minHeight }

func (m Model) cliLines(i int) []string {
	if i < 0 || i >= len(m.opts.Steps) || m.opts.Steps[i].CLI == nil {
		return nil
	}
	return m.opts.Steps[i].CLI(m.opts.Names, m.opts.Identity)
}

func (m Model) waitingLabel() string {
	if m.waiting != "" {
		return m.waiting
	}
	if m.running >= 0 && m.running < len(m.opts.Steps) {
		return m.opts.Steps[m.running].Title + "…"
	}
	return "working…"
}

func (m *Model) syncSidebar() {
	entries := make([]sideEntry, 0, len(m.steps)+2)
	entries = append(entries, sideEntry{label: "Welcome", status: statusDone})
	for i, s := range m.steps {
		e := sideEntry{label: sidebarTitle(m.opts.Steps[i].ID, m.opts.Steps[i].Title), status: s.status}
		if !m.isCleanup(i) {
			e.part = m.opts.Steps[i].Part
		}
		entries = append(entries, e)
	}
	sum := sideEntry{label: "Summary", status: statusPending}
	if m.screen == screenSummary {
		sum.status = statusDone
	}
	entries = append(entries, sum)
	if m.screen == screenWelcome || m.screen == screenConfirm {
		entries[0].status = statusPending
	}
	m.sidebar.entries = entries
	switch m.screen {
	case screenWelcome, screenConfirm:
		m.sidebar.current = 0
	case screenStep:
		m.sidebar.current = m.cur + 1
	case screenSummary:
		m.sidebar.current = len(entries) - 1
	}
	m.sidebar.spin = m.spinner.View()
	m.sidebar.c = m.c
}

func (m Model) locationLabel() string {
	switch m.screen {
	case screenWelcome:
		return "Welcome"
	case screenConfirm:
		return "Confirm"
	case screenSummary:
		return "Summary"
	}
	if m.cur < len(m.opts.Steps) {
		s := m.opts.Steps[m.cur]
		if m.isCleanup(m.cur) {
			return "Cleanup"
		}
		return "Part " + itoa(s.Part) + " of " + itoa(partCount)
	}
	return ""
}
