package ui

import (
	"context"
	"errors"
	"fmt"

	tea "charm.land/bubbletea/v2"

	"kmslab/awsops"
	"kmslab/steps"
)

// stepDoneMsg is the outcome of one run of one step. run identifies the run,
// so a result arriving after a retry or a cancellation is dropped.
type stepDoneMsg struct {
	index   int
	run     int
	outcome steps.Outcome
}

// progressMsg is one awsops progress report.
type progressMsg struct{ p awsops.Progress }

// startStep runs step i in a command.
func (m Model) startStep(i int) (Model, tea.Cmd) {
	if i < 0 || i >= len(m.opts.Steps) || m.running >= 0 && m.running != i {
		return m, nil
	}
	if m.cancel != nil {
		m.cancel()
	}
	m.nextRun++
	run := m.nextRun
	ctx, cancel := context.WithCancel(m.opts.Context)
	m.cancel = cancel
	m.running = i
	m.waiting = ""
	m.steps[i].status = statusRunning
	m.steps[i].run = run
	m.steps[i].ran = true
	m.steps[i].outcome = steps.Outcome{}
	m.syncSidebar()
	m.refresh(false)
	step, lab := m.opts.Steps[i], m.opts.Lab
	runCmd := func() tea.Msg {
		return stepDoneMsg{index: i, run: run, outcome: runSafely(ctx, step, lab)}
	}
	return m, tea.Batch(runCmd, m.spinner.Tick)
}

// runSafely runs a step, turning a missing Run or a panic into a failed
// outcome: a bug in one step must not take the presenter's terminal down.
func runSafely(ctx context.Context, step steps.Step, lab *awsops.Lab) (out steps.Outcome) {
	if step.Run == nil {
		return steps.Outcome{Status: steps.Failed, Err: errors.New("this step has nothing to run")}
	}
	defer func() {
		if r := recover(); r != nil {
			err := fmt.Errorf("step %s: internal error: %v", step.ID, r)
			out = steps.Outcome{Status: steps.Failed, Err: err, Summary: err.Error()}
		}
	}()
	return step.Run(ctx, lab)
}

func (m Model) handleStepDone(msg stepDoneMsg) (Model, tea.Cmd) {
	if msg.index < 0 || msg.index >= len(m.steps) || msg.run != m.steps[msg.index].run {
		return m, nil // stale: a newer run of this step exists
	}
	st := &m.steps[msg.index]
	st.outcome = msg.outcome
	st.status = fromStepStatus(msg.outcome.Status)
	if st.status == statusRunning || st.status == statusPending {
		// A Run that returns without deciding did not succeed.
		st.status = statusFailed
	}
	if m.running == msg.index {
		m.running = -1
		m.waiting = ""
		if m.cancel != nil {
			m.cancel()
			m.cancel = nil
		}
	}
	if items := outcomeItems(msg.outcome); len(items) > 0 {
		m.lastItems = items
	}
	m.syncSidebar()
	focus := m.screen == screenStep && m.cur == msg.index
	m.refresh(false)
	if focus {
		m.pane.showResult()
	}
	if m.quitAfterCleanup && m.isCleanup(msg.index) {
		m.quitAfterCleanup = false
		if st.status == statusDone && !m.resourcesPresent() {
			return m, tea.Quit
		}
	}
	return m, m.fetchExtras()
}

func outcomeItems(o steps.Outcome) []awsops.Item {
	if len(o.Items) > 0 {
		return o.Items
	}
	if o.Access != nil && len(o.Access.Items) > 0 {
		return o.Access.Items
	}
	return nil
}

func fromStepStatus(s steps.Status) status {
	switch s {
	case steps.Running:
		return statusRunning
	case steps.Done:
		return statusDone
	case steps.DeniedAsExpected:
		return statusDenied
	case steps.Failed:
		return statusFailed
	default:
		return statusPending
	}
}

// listenProgress waits for the next progress report. It re-arms itself on
// every report, so one listener runs for the program's life.
func (m Model) listenProgress() tea.Cmd {
	f := m.opts.Progress
	if f == nil {
		return nil
	}
	return func() tea.Msg {
		return progressMsg{p: <-f.ch}
	}
}

// fetchExtras reads the offline-only panels' data when one of them is shown.
func (m *Model) fetchExtras() tea.Cmd {
	x := m.opts.Extras
	if x == nil || (!m.showAtRest && !m.showAudit) {
		return nil
	}
	m.extrasRun++
	id, table := m.extrasRun, m.opts.Names.Table
	return func() tea.Msg {
		msg := extrasMsg{id: id, audit: x.Audit()}
		if table != "" {
			ar, err := x.AtRest(table)
			if err != nil {
				msg.err = err
			} else {
				msg.atRest = &ar
			}
		}
		return msg
	}
}
