package ui

import (
	"context"
	"errors"
	"fmt"
	"reflect"

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
	// extras is the panels' reading taken right after the run, offline: it
	// arrives with the outcome, so the result is never drawn with its
	// panels still "reading…" (a frame a loaded machine could leave on
	// screen long enough for kmslab record to film it).
	extras *extrasMsg
}

// progressMsg is one awsops progress report.
type progressMsg struct{ p awsops.Progress }

// request is how a screen asks the root for something (navigate, run a
// step or an experiment, a note): a command whose message the root
// handles. The root settles a key press's commands before the next key
// (see settle), so a fast second Enter meets the screen the first one
// opened.
func request(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }

// The screens ask the root to navigate with these messages; the root refuses
// what the state does not allow (a second step while one runs).
type (
	navMsg struct {
		to  screen
		cur int
	} // show a screen (and step)
	beginMsg   struct{}            // leave the welcome screen
	nextMsg    struct{}            // past a finished step
	runStepMsg struct{ index int } // run (or retry) a step
	askQuitMsg struct{}            // quit, asking first if resources remain
	// runExperimentMsg runs the selected experiment with the learner's
	// prediction: the root starts it, so keys stay live while it runs.
	runExperimentMsg struct{ predicted awsops.Decision }
	flashMsg         string // a one-shot note on the status line
)

// startStep runs step i in a command.
func (m Model) startStep(i int) (Model, tea.Cmd) {
	if i < 0 || i >= len(m.opts.Course.Steps) || m.running >= 0 && m.running != i {
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
	m.showStep(false)
	step, lab := m.opts.Course.Steps[i], m.opts.Lab
	extras, table := m.part.panels.extras, m.opts.Names.Table
	runCmd := func() tea.Msg {
		msg := stepDoneMsg{index: i, run: run, outcome: runSafely(ctx, step, lab)}
		if extras != nil {
			x := readExtras(extras, table, i, run)
			msg.extras = &x
		}
		return msg
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

// handleStepDone records a step's outcome: the one place a step completes,
// for anything that must hear of it.
func (m Model) handleStepDone(msg stepDoneMsg) (Model, tea.Cmd) {
	if msg.index < 0 || msg.index >= len(m.steps) || msg.run != m.steps[msg.index].run {
		return m, nil // stale: a newer run of this step exists
	}
	st := &m.steps[msg.index]
	m.doneSeq++
	st.done, st.snapshot = m.doneSeq, nil
	st.outcome = sanitizeOutcome(msg.outcome)
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
	if x := msg.extras; x != nil {
		// The panels' snapshot came with the outcome: it is the latest
		// reading from now on, so the result and its panels are drawn
		// together, once.
		m.part.panels.readID++
		x.id = m.part.panels.readID
		m.part.panels.take(*x)
	}
	m.syncSidebar()
	focus := m.screen == screenStep && m.cur == msg.index
	m.showStep(false)
	m.syncShownSummary()
	if focus {
		m.part.showResult()
	}
	if m.quitAfterCleanup && m.opts.Course.Steps[msg.index].IsCleanup() {
		m.quitAfterCleanup = false
		if st.status == statusDone && !m.resourcesPresent() {
			return m, tea.Quit
		}
	}
	if x := msg.extras; x != nil {
		// ... and becomes this step's snapshot, through the one path every
		// reading takes.
		return m.update(*x)
	}
	return m, nil
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

// sanitizeOutcome cleans every string that came from AWS before any of it is
// drawn (see sanitize), whatever the kind of result: it walks the result's
// fields, so a new kind of result needs nothing here. It copies what it
// changes: the step keeps its own.
func sanitizeOutcome(o steps.Outcome) steps.Outcome {
	o.Summary = sanitize(o.Summary)
	if o.Result != nil {
		v := sanitizeValue(reflect.ValueOf(o.Result))
		if r, ok := v.Interface().(steps.Result); ok {
			o.Result = r
		}
	}
	return o
}

// sanitizeValue returns a copy of v with every string sanitized. Errors and
// other interfaces are kept as they are: they are drawn through their
// sentence, itself passed through sanitize by whoever draws it.
func sanitizeValue(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.String:
		out := reflect.New(v.Type()).Elem()
		out.SetString(sanitize(v.String()))
		return out
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		out := reflect.New(v.Type().Elem())
		out.Elem().Set(sanitizeValue(v.Elem()))
		return out
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			out.Index(i).Set(sanitizeValue(v.Index(i)))
		}
		return out
	case reflect.Struct:
		out := reflect.New(v.Type()).Elem()
		out.Set(v)
		for i := range v.NumField() {
			if out.Field(i).CanSet() {
				out.Field(i).Set(sanitizeValue(v.Field(i)))
			}
		}
		return out
	}
	return v
}
