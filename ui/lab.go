package ui

import (
	"context"

	tea "charm.land/bubbletea/v2"

	"kmslab/awsops"
	"kmslab/steps"
)

// Which lab the walkthrough walks: the one chosen on the welcome screen, or
// the next one started from a summary in the same session.
type (
	// chooseLabMsg makes lab, chosen on the welcome screen, the run's lab,
	// and with begin begins it.
	chooseLabMsg struct {
		lab   steps.Lab
		begin bool
	}
	// otherLabMsg starts the lab the current one's summary points to.
	otherLabMsg struct{}
	// nextRunMsg is the session the next lab runs on, or why there is none.
	nextRunMsg struct {
		lab steps.Lab
		run *awsops.Lab
		err error
	}
)

// labMsg is one of the messages above.
type labMsg interface{ labMsg() }

func (chooseLabMsg) labMsg() {}
func (otherLabMsg) labMsg()  {}
func (nextRunMsg) labMsg()   {}

// updateLab changes the run's lab: to the one chosen on the welcome screen
// (unless a step of this run ran), with begin beginning it; or, from a
// summary, to the lab it points to, on a run of its own in this session
// (awsops.Lab.NextRun: one AWS call, to see whether the key can be handed
// on), which then begins.
func (m Model) updateLab(msg labMsg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case chooseLabMsg:
		if m.screen != screenWelcome || m.busy() || m.anyStepRan() {
			return m, nil
		}
		if msg.lab.ID != m.course.ID {
			m.setCourse(msg.lab)
			m.welcome.GotoTop()
		}
		if msg.begin {
			return m.update(beginMsg{})
		}
	case otherLabMsg:
		next := m.nextLab()
		if next == nil || m.screen != screenSummary || m.busy() {
			return m, nil
		}
		// Keys pressed meanwhile wait, as for a settling key press, so a
		// quick Enter meets the next lab rather than the summary.
		lab, ctx, course := m.c.run.lab, m.opts.Context, *next
		m.settling++
		return m, func() tea.Msg {
			msg := nextRunMsg{lab: course}
			if lab != nil {
				msg.run, msg.err = lab.NextRun(ctx)
			}
			return settledMsg{msgs: []tea.Msg{msg}}
		}
	case nextRunMsg:
		if msg.err != nil {
			if context.Cause(m.opts.Context) != nil {
				return m, nil
			}
			return m, m.note("The next lab could not start: " + msg.err.Error())
		}
		if msg.run != nil {
			m.opts.Lab, m.opts.Names = msg.run, msg.run.Names()
			m.c.run.lab, m.c.run.names = msg.run, msg.run.Names()
		}
		m.setCourse(msg.lab)
		m.goTo(screenWelcome, 0)
		return m.update(beginMsg{})
	}
	return m, nil
}

// setCourse makes lab the walkthrough's lab: its steps start afresh, and
// every screen that shows the lab is built for it.
func (m *Model) setCourse(lab steps.Lab) {
	m.walk.setCourse(lab)
	m.c.run.course = lab.ID
	m.welcome.setCourse(lab)
	m.confirm = newConfirmView(m.c, lab)
	m.experiments = newExperimentsView(m.c, lab, m.opts.Context)
	m.layout()
	m.showStep(true)
}
