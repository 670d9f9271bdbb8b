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
// (model.go) routes messages to the active screen and draws the chrome
// around it (view.go: header, status, help); walk.go is the walkthrough's
// state the screens draw from, runner.go the one runner of its jobs (a
// step, an experiment) and run.go where the root starts them and a step
// completes, sidebar.go the steps, quit.go the quit prompt and what the
// run leaves behind, note.go the status line's notes.
package ui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/progress"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"kmslab/steps"
)

// Model is the root of the walkthrough and the only tea.Model: it routes
// messages to the screen on display and draws the chrome around it.
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
	walk
	settler
	statusNote
	quitPrompt

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
	o = o.withDefaults()
	keys := DefaultKeyMap()
	m := Model{opts: o, isDark: o.Dark == nil || *o.Dark, walk: newWalk(o.Course, o.Labs), help: new(help.New())}
	m.spinner = spinner.New(spinner.WithSpinner(spinner.MiniDot))
	m.c = common{md: sharedMarkdown, keys: &keys, run: o.runInfo()}
	m.welcome = newWelcomeView(m.c, o.Course, o.Labs, o.FixedLab)
	m.confirm = newConfirmView(m.c, o.Course)
	m.part = newPartView(m.c, o.Extras)
	m.summary = newSummaryView(m.c)
	m.experiments = newExperimentsView(m.c, o.Course, o.Context)
	m.sidebar = newSidebar(m.c)
	m.opts.Course, m.opts.Labs = steps.Lab{}, nil // the walk holds them, changed by a lab's choice
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
	cmds = append(cmds, m.opts.Progress.listen())
	return tea.Batch(cmds...)
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
	case tea.BackgroundColorMsg:
		// Most terminals answer dark, the palette New starts with: restyle
		// only for a light one.
		if m.opts.Dark == nil && msg.IsDark() != m.isDark {
			m.isDark = msg.IsDark()
			m.applyStyles()
		}
	case tea.ColorProfileMsg:
		if (msg.Profile == colorprofile.Ascii || msg.Profile == colorprofile.NoTTY) && !m.opts.NoColor {
			m.opts.NoColor = true
			m.applyStyles()
		}
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
	case runMsg:
		return m.updateRun(msg)
	case navMsg:
		if msg.cur < 0 {
			msg.cur = m.cur // -1 keeps the step shown
		}
		m.goTo(msg.to, msg.cur)
	case beginMsg:
		if m.opts.Mode == AWS {
			m.goTo(screenConfirm, 0)
		} else {
			m.goTo(screenStep, 0)
		}
	case nextMsg:
		m.advance()
	case labMsg:
		return m.updateLab(msg)
	case settledMsg:
		return m.applySettled(msg)
	case askQuitMsg:
		return m.askQuit()
	case quitMsg:
		m.runner.stop()
		return m, tea.Quit
	case cleanUpMsg:
		return m.cleanUp()
	case flashMsg:
		return m, m.note(string(msg))
	case copiedMsg:
		return m, m.note(copiedNote(msg))
	case flashTickMsg:
		m.fade(msg)
	default:
		return m.updateActive(msg)
	}
	return m, nil
}

// updateActive hands a message to the active screen, or to the one it is
// addressed to; what a key press asked for is applied before the next key
// (settle.go).
func (m Model) updateActive(msg tea.Msg) (Model, tea.Cmd) {
	if a, ok := msg.(addressed); ok {
		return m, m.screens()[a.to()].update(msg)
	}
	cmd := m.active().update(msg)
	if _, ok := msg.(tea.KeyPressMsg); ok {
		return m.settled(cmd)
	}
	return m, cmd
}

// screens are the screen components in the order of the screen constants:
// the root routes to, lays out and draws whichever is active through this
// list, and asks it for its keys, its help and its place in the sidebar.
func (m *Model) screens() []screenComponent {
	return []screenComponent{&m.welcome, &m.confirm, &m.part, &m.summary, &m.experiments}
}

// active is the screen on display.
func (m *Model) active() screenComponent { return m.screens()[m.screen] }

// handleKey deals with global keys and the quit prompt, then hands the key
// to the active screen. The keys are enabled for the state first, so a key
// that means nothing here does not match.
func (m Model) handleKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	if m.hold(msg, m.c.keys.ForceQuit) {
		return m, nil
	}
	m.flash = ""
	m.updateKeybindings()
	keys := m.c.keys
	switch {
	case m.quitting:
		var cmd tea.Cmd
		m.quitPrompt, cmd = m.quitPrompt.Update(msg, m.c, &m.walk)
		return m.settled(cmd)
	case m.active().capturing() && !key.Matches(msg, keys.ForceQuit):
		return m.updateActive(msg) // typing: q and ? are letters
	case key.Matches(msg, keys.Quit):
		return m.askQuit()
	case key.Matches(msg, keys.Help):
		m.editHelp().ShowAll = !m.help.ShowAll
		m.layout()
		return m, nil
	case m.tooSmall():
		return m, nil
	}
	return m.updateActive(msg)
}

// goTo shows screen s (and step cur), which enters it.
func (m *Model) goTo(s screen, cur int) {
	m.screen, m.cur = s, cur
	m.fitActive()
	m.active().enter(&m.walk)
	m.sidebar.at = m.active().place()
	m.syncSummary()
	m.syncSidebar()
	m.cacheChrome()
}

// advance moves past a finished step: to the next one, or to the summary.
func (m *Model) advance() {
	if m.cur+1 < len(m.steps) {
		m.goTo(screenStep, m.cur+1)
		return
	}
	m.goTo(screenSummary, 0)
}

// syncSidebar hands the sidebar the walk and the spinner. It does not ask
// the active screen (goTo gave the sidebar its place): that would take the
// Model's address, and every Update method calling it would copy the whole
// Model to the heap.
func (m *Model) syncSidebar() { m.sidebar.sync(&m.walk, m.spinner.View()) }

// showStep hands the current step and what the walkthrough knows around it
// to the part pane.
func (m *Model) showStep(top bool) { m.part.showFrom(&m.walk, top) }
