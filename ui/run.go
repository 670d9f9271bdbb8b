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

// updateRun starts jobs, takes their results and progress, and keeps the
// walk's steps as they start and end.
func (m Model) updateRun(msg runMsg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case runJobMsg:
		return m.startJob(msg.job)
	case runStepMsg:
		return m.startStep(msg.index)
	case jobDoneMsg:
		return m.finishJob(msg)
	case stepStartedMsg:
		m.begin(msg.index)
		m.syncSidebar()
		m.showStep(false)
	case stepDoneMsg:
		return m.handleStepDone(msg)
	case extrasMsg:
		// A panels' reading goes to the part screen, shown or not; one that
		// follows a step's run is that step's snapshot.
		var cmd tea.Cmd
		m.part, cmd = m.part.Update(msg)
		if msg.step >= 0 && msg.step < len(m.steps) && msg.run == m.steps[msg.step].run {
			m.steps[msg.step].snapshot = &msg
			m.showStep(false)
		}
		return m, cmd
	case progressMsg:
		var cmd tea.Cmd
		if m.busy() {
			m.waiting = msg.p.String()
			m, cmd = m.updateActive(msg)
		}
		return m, tea.Batch(cmd, m.opts.Progress.listen())
	}
	return m, nil
}

// startStep runs step i as a job.
func (m Model) startStep(i int) (Model, tea.Cmd) {
	if i < 0 || i >= len(m.course.Steps) {
		return m, nil
	}
	return m.startJob(m.stepJob(i))
}

// stepJob is the job of running step i, with the panels read right after.
func (m Model) stepJob(i int) job {
	step, lab := m.course.Steps[i], m.c.run.lab
	extras, table := m.part.panels.extras, m.opts.Names.Table
	return job{step: i, started: stepStartedMsg{i}, do: func(ctx context.Context, run int) tea.Msg {
		msg := stepDoneMsg{index: i, outcome: runSafely(ctx, step, lab)}
		if extras != nil {
			x := readExtras(extras, table, i, run)
			msg.extras = &x
		}
		return msg
	}}
}

// startJob hands j to the runner and applies its started message; while
// another job runs, it says so instead.
func (m Model) startJob(j job) (Model, tea.Cmd) {
	run := m.runner.start(m.opts.Context, j)
	if run == nil {
		return m, m.note("Still running: " + m.waitingLabel())
	}
	var cmd tea.Cmd
	if j.started != nil {
		m, cmd = m.deliver(j.started)
	}
	if j.step >= 0 {
		cmd = tea.Batch(cmd, m.spinner.Tick)
	}
	return m, tea.Batch(run, cmd)
}

// finishJob drops a stale result, releases the runner, routes the result,
// then starts what was queued.
func (m Model) finishJob(msg jobDoneMsg) (Model, tea.Cmd) {
	if !m.runner.finish(msg.run) {
		return m, nil
	}
	m, cmd := m.deliver(msg.result)
	if q := m.queued; q != nil {
		m.queued = nil
		var c tea.Cmd
		m, c = m.startJob(*q)
		return m, tea.Batch(cmd, c)
	}
	return m, cmd
}

// deliver routes a job's message: a step's to updateRun directly, any
// other (a screen's, addressed) as every message is. Not through update:
// it takes the Model's address, which would copy the whole Model to the
// heap once more for every step's start and end.
func (m Model) deliver(msg tea.Msg) (Model, tea.Cmd) {
	if r, ok := msg.(runMsg); ok {
		return m.updateRun(r)
	}
	return m.updateActive(msg)
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
	if msg.index < 0 || msg.index >= len(m.steps) {
		return m, nil
	}
	m.complete(msg.index, sanitizeOutcome(msg.outcome))
	if x := msg.extras; x != nil {
		// The panels' snapshot came with the outcome: it is the latest
		// reading from now on, so the result and its panels are drawn
		// together, once.
		m.part.panels.adopt(x)
	}
	m.syncSidebar()
	focus := m.screen == screenStep && m.cur == msg.index
	m.showStep(false)
	m.syncSummary()
	if focus {
		m.part.showResult()
	}
	if m.cleanedUp(&m.walk, msg.index, m.c.run.lab) {
		return m, tea.Quit
	}
	if x := msg.extras; x != nil {
		// ... and becomes this step's snapshot, through the one path every
		// reading takes.
		return m.updateRun(*x)
	}
	return m, nil
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
