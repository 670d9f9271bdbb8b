// Package ui is the kmslab walkthrough as a Bubble Tea program: a welcome
// screen, one screen per part of the lab with its explanation, AWS CLI
// equivalent and live result, cleanup and a summary. The lab itself runs in
// package steps (through awsops); the ui only issues commands and renders
// their typed outcomes.
//
// Each screen is a component (welcome.go, confirm.go, part.go,
// experiments.go, summary.go) and each kind of step result has its view
// (result.go registers them: resources.go, denied.go, diff.go, cleanup.go),
// as do the offline-only panels (atrest.go, audit.go). The root Model
// (model.go) routes messages to the active screen; view.go draws the chrome
// around it (header, status, help), sidebar.go the steps, quit.go the quit
// prompt and what the run leaves behind; run.go runs a step.
package ui

import (
	"context"
	"os"
	"path/filepath"
	"time"

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

// screen is which screen is active; every switch over it is exhaustive.
type screen int

const (
	screenWelcome screen = iota
	screenConfirm        // real AWS only: what will be created and what it costs
	screenStep
	screenSummary
	screenExperiments // the what-ifs, after part 6 and before cleanup
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
	// done orders completions (the walkthrough's doneSeq when this step
	// last finished); snapshot is the panels' reading right after.
	done     int
	snapshot *extrasMsg
}

// Model is the root of the walkthrough and the only tea.Model.
type Model struct {
	opts   Options
	c      common
	styles *Styles // the same as c.styles: a pointer keeps Model, copied on every Update, small
	isDark bool
	// sized is set once the terminal's size is known (Options.Width and
	// Height, or a WindowSizeMsg). Until then View draws nothing: a frame
	// laid out at the provisional 80x24 would be drawn at the wrong width
	// and, on a busy machine, stay on screen long enough to be seen (or
	// filmed by kmslab record) before the real size re-lays it out.
	sized bool

	screen screen
	cur    int // the step shown on screenStep
	steps  []stepState
	// doneSeq counts step completions, to order them (stepState.done).
	doneSeq int
	runner

	flash    string // one-shot note, cleared by the next key or after flashTTL
	flashSeq int    // which note a flashTickMsg is for
	quitting bool   // the quit prompt is open
	// quitAfterCleanup makes a successful cleanup end the program (chosen in the quit prompt).
	quitAfterCleanup bool
	// labsDone are the labs whose summary this run reached (lab.go).
	labsDone map[string]bool

	welcome     welcomeView
	confirm     confirmView
	part        partView
	summary     summaryView
	experiments experimentsView
	sidebar     sidebar
	spinner     spinner.Model
	bar         progress.Model
	// help is shared by copies of the Model, never changed in place:
	// editHelp gives a copy to change (it is 4.6 kB of a Model copied on
	// every Update).
	help   *help.Model
	chrome chrome
	// laidOut is the latest layout: its number and the panes' size.
	laidOut struct{ gen, w, h int }
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
	if _, ok := os.LookupEnv("NO_COLOR"); ok && !o.Remote {
		o.NoColor = true
	}
	if o.SaveDir == "" && o.Lab != nil && o.Lab.LedgerPath() != "" {
		o.SaveDir = filepath.Dir(o.Lab.LedgerPath())
	}
	keys := DefaultKeyMap()
	m := Model{
		opts:   o,
		isDark: true,
		steps:  make([]stepState, len(o.Course.Steps)),
		runner: runner{running: -1},
		help:   new(help.New()),
	}
	if o.Dark != nil {
		m.isDark = *o.Dark
	}
	m.spinner = spinner.New(spinner.WithSpinner(spinner.MiniDot))
	m.c = common{md: sharedMarkdown, keys: &keys, run: runInfo{
		mode: o.Mode, names: o.Names, identity: o.Identity, endpoint: o.Endpoint, lab: o.Lab, saveDir: o.SaveDir,
		warnings: o.Warnings, remote: o.Remote, onEvent: o.OnEvent, course: o.Course.ID,
	}}
	m.welcome = newWelcomeView(m.c, o.Course, o.Labs, o.FixedLab)
	m.confirm = newConfirmView(m.c, o.Course)
	m.part = newPartView(m.c, o.Extras)
	m.summary = newSummaryView(m.c)
	m.experiments = newExperimentsView(m.c, o.Course, o.Context)
	m.sidebar = newSidebar(m.c)
	m.applyStyles()
	w, h := o.Width, o.Height
	m.sized = w > 0 && h > 0
	if !m.sized {
		w, h = 80, 24 // keys still work; nothing is drawn until the size comes
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

// Update routes messages: sizes, colors, global keys and app messages are
// handled here, everything else goes to the active screen.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m, cmd := m.update(msg)
	m.cacheChrome()
	return m, cmd
}

func (m Model) update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.sized = true
		// A program started at its terminal's size (a workshop session,
		// Options.Width) is told that size again as it starts: laying every
		// screen out again for it would change nothing.
		if msg.Width != m.c.width || msg.Height != m.c.height {
			m.resize(msg.Width, msg.Height)
		}
		return m, nil
	case tea.BackgroundColorMsg:
		// Most terminals answer dark, the palette New starts with: restyle
		// only for a light one.
		if m.opts.Dark == nil && msg.IsDark() != m.isDark {
			m.isDark = msg.IsDark()
			m.applyStyles()
		}
		return m, nil
	case tea.ColorProfileMsg:
		if (msg.Profile == colorprofile.Ascii || msg.Profile == colorprofile.NoTTY) && !m.opts.NoColor {
			m.opts.NoColor = true
			m.applyStyles()
		}
		return m, nil
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	case spinner.TickMsg:
		if m.running < 0 {
			return m, nil // let the spinner stop: nothing is being waited for
		}
		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		m.syncSidebar()
		return m, cmd
	case runJobMsg:
		return m.startJob(msg.job)
	case jobDoneMsg:
		return m.finishJob(msg)
	case stepStartedMsg:
		return m.beginStep(msg.index)
	case stepDoneMsg:
		return m.handleStepDone(msg)
	case progressMsg:
		var cmd tea.Cmd
		if m.busy() {
			m.waiting = msg.p.String()
			m, cmd = m.updateActive(msg)
		}
		return m, tea.Batch(cmd, m.listenProgress())
	case navMsg:
		if msg.cur < 0 {
			msg.cur = m.cur
		}
		m.goTo(msg.to, msg.cur)
		return m, nil
	case chooseLabMsg:
		return m.chooseLab(msg)
	case otherLabMsg:
		return m.startNextLab()
	case nextRunMsg:
		return m.handleNextRun(msg)
	case beginMsg:
		if m.opts.Mode == AWS {
			m.goTo(screenConfirm, 0)
		} else {
			m.goTo(screenStep, 0)
		}
		return m, nil
	case nextMsg:
		m.advance()
		return m, nil
	case runStepMsg:
		return m.startStep(msg.index)
	case settledMsg:
		return m.applySettled(msg)
	case askQuitMsg:
		return m.askQuit()
	case flashMsg:
		return m.note(string(msg))
	case copiedMsg:
		return m.note(copiedNote(msg))
	case flashTickMsg:
		if msg.seq == m.flashSeq {
			m.flash = ""
		}
		return m, nil
	}
	return m.updateActive(msg)
}

// note shows a one-shot note on the status line and lets it fade.
func (m Model) note(s string) (Model, tea.Cmd) {
	m.flash = s
	m.flashSeq++
	seq := m.flashSeq
	return m, tea.Tick(flashTTL, func(time.Time) tea.Msg { return flashTickMsg{seq} })
}

// addressed is a message for one screen, shown or not: a result that may
// come back after the learner left the screen that asked for it.
type addressed interface{ to() screen }

// updateActive hands a message to the active screen, or to the one it is
// addressed to.
func (m Model) updateActive(msg tea.Msg) (Model, tea.Cmd) {
	if a, ok := msg.(addressed); ok {
		return m, m.screens()[a.to()].update(msg)
	}
	cmd := m.active().update(msg)
	// Panels read after a step ran arrive whatever the screen.
	if x, ok := msg.(extrasMsg); ok && x.step >= 0 && x.step < len(m.steps) && x.run == m.steps[x.step].run {
		m.steps[x.step].snapshot = &x
		if m.screen == screenStep {
			m.showStep(false)
		}
	}
	if _, ok := msg.(extrasMsg); ok && m.screen != screenStep {
		m.part, cmd = m.part.Update(msg)
	}
	// What a key press asked for is applied before the next key (settle.go).
	if _, ok := msg.(tea.KeyPressMsg); ok && cmd != nil {
		m.settling++
		cmd = settle(cmd)
	}
	return m, cmd
}

// screens are the screen components in the order of the screen constants:
// the root routes to and lays out whichever is active through this list.
func (m *Model) screens() []screenComponent {
	return []screenComponent{&m.welcome, &m.confirm, &m.part, &m.summary, &m.experiments}
}

// active is the screen on display.
func (m *Model) active() screenComponent {
	if s := m.screens(); int(m.screen) < len(s) {
		return s[m.screen]
	}
	return &m.welcome
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
}

// layout computes the frame's parts from the terminal size and cascades the
// sizes and the shared context to every component.
func (m *Model) layout() {
	w, h := m.c.width, m.c.height
	m.editHelp().SetWidth(w)
	side := sidebarWidth(w)
	bodyH := max(h-headerHeight-m.footerHeight(), 1)
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
	m.syncShownSummary()
}

// syncShownSummary brings the summary up to date when it is on display;
// goTo does when it is shown, so a hidden summary is not drawn again for
// every step's result.
func (m *Model) syncShownSummary() {
	if m.screen == screenSummary {
		m.syncSummary()
	}
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

func (m Model) footerHeight() int {
	if m.help.ShowAll {
		n := 0
		for _, g := range m.helpKeys().FullHelp() {
			shown := 0
			for _, b := range g {
				if b.Enabled() {
					shown++
				}
			}
			n = max(n, shown)
		}
		return 1 + n
	}
	return 2
}

// handleKey deals with global keys and the quit prompt, then hands the key
// to the active screen. The keys are enabled for the state first, so a key
// that means nothing here does not match.
func (m Model) handleKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	if m, held := m.hold(msg); held {
		return m, nil
	}
	m.flash = ""
	m.updateKeybindings()
	keys := m.c.keys
	if m.quitting {
		return m.handleQuitPrompt(msg)
	}
	if m.screen == screenExperiments && m.experiments.capturing() && !key.Matches(msg, keys.ForceQuit) {
		return m.updateActive(msg) // typing a policy: q and ? are letters
	}
	switch {
	case key.Matches(msg, keys.Quit):
		return m.askQuit()
	case key.Matches(msg, keys.Help):
		m.editHelp().ShowAll = !m.help.ShowAll
		m.layout()
		return m, nil
	}
	if m.tooSmall() {
		return m, nil
	}
	if key.Matches(msg, keys.Experiments) {
		m.goTo(screenExperiments, m.cur)
		return m, nil
	}
	return m.updateActive(msg)
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
	m.fitActive()
	m.syncSidebar()
	switch s {
	case screenStep:
		if cur < len(m.opts.Course.Steps) {
			m.c.run.emit(reachedEvent(m.opts.Course.Steps[cur]))
		}
		m.showStep(true)
		// Going back to a step that ran is going back to its result; the
		// explanation is one PgUp away.
		if cur < len(m.steps) && m.steps[cur].status != statusPending && m.steps[cur].status != statusRunning {
			m.part.showResult()
		}
	case screenSummary:
		m.markDone()
		m.c.run.emit(Event{Kind: EventReached, Step: SummaryID})
		m.syncSummary()
		m.summary.GotoTop()
	case screenWelcome:
		m.welcome.locked = m.anyStepRan()
		m.welcome.refresh()
		m.welcome.GotoTop()
	case screenConfirm:
		m.confirm.GotoTop()
	case screenExperiments:
		m.experiments.refresh(true)
	}
	m.cacheChrome()
}

// showStep hands the current step and what the walkthrough knows around it
// to the part pane.
func (m *Model) showStep(top bool) {
	if len(m.opts.Course.Steps) == 0 {
		return
	}
	i := min(m.cur, len(m.opts.Course.Steps)-1)
	ctx := partContext{
		index:     i,
		last:      i == len(m.opts.Course.Steps)-1,
		partCount: m.opts.Course.PartCount(),
		waiting:   m.waitingLabel(m.opts.Course),
	}
	// The at-rest view shows the latest items read beside their ciphertext,
	// and recognises the lab key's id inside the wrapped table key.
	asOf := m.steps[i].done // what ran up to step i, when showing its history
	if st := m.steps[i]; st.snapshot == nil || !m.ranSince(i) {
		asOf = -1
	} else {
		ctx.history = st.snapshot
	}
	for j, s := range m.steps {
		if asOf >= 0 && s.done > asOf {
			continue
		}
		if items := steps.Items(s.outcome.Result); len(items) > 0 {
			ctx.lastItems, ctx.lastItemsPart = items, m.opts.Course.Steps[j].Part
		}
		if k := steps.KeyOf(s.outcome.Result); k != nil && k.ID != "" && ctx.keyID == "" {
			ctx.keyID = k.ID
		}
	}
	m.part.show(m.opts.Course.Steps[i], m.steps[i], ctx, top)
}

// ranSince reports whether another step finished after step i did: step i's
// panels then show its snapshot, not how things are now.
func (m *Model) ranSince(i int) bool {
	for j, s := range m.steps {
		if j != i && s.done > m.steps[i].done {
			return true
		}
	}
	return false
}
