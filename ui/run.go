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
	if items := outcomeItems(msg.outcome); len(items) > 0 {
		m.lastItems = items
		m.lastItemsPart = m.opts.Steps[msg.index].Part
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
		for i := range msg.audit {
			e := &msg.audit[i]
			e.Service, e.Operation, e.Caller = sanitize(e.Service), sanitize(e.Operation), sanitize(e.Caller)
			e.InvokedBy, e.Decision, e.ErrorCode = sanitize(e.InvokedBy), sanitize(e.Decision), sanitize(e.ErrorCode)
		}
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

// sanitizeOutcome cleans every string that came from AWS before any of it is
// drawn (see sanitize). It copies what it changes: the step keeps its own.
func sanitizeOutcome(o steps.Outcome) steps.Outcome {
	s := sanitize
	o.Summary = s(o.Summary)
	if o.Key != nil {
		k := *o.Key
		k.ID, k.ARN, k.Alias, k.State, k.Spec, k.Usage, k.Manager, k.Description, k.Policy =
			s(k.ID), s(k.ARN), s(k.Alias), s(k.State), s(k.Spec), s(k.Usage), s(k.Manager), s(k.Description), s(k.Policy)
		o.Key = &k
	}
	if o.Table != nil {
		t := sanitizeTable(*o.Table)
		o.Table = &t
	}
	o.Items = sanitizeItems(o.Items)
	if o.User != nil {
		u := *o.User
		u.Name, u.ARN, u.AccessKeyID = s(u.Name), s(u.ARN), s(u.AccessKeyID)
		u.Policies = sanitizeAll(u.Policies)
		o.User = &u
	}
	if o.Access != nil {
		a := awsops.Access{Items: sanitizeItems(o.Access.Items)}
		if d := o.Access.Denied; d != nil {
			dd := awsops.Denied{Code: s(d.Code), Action: s(d.Action), Resource: s(d.Resource), Principal: s(d.Principal),
				Reason: s(d.Reason), Message: s(d.Message), Operation: s(d.Operation), Service: s(d.Service)}
			a.Denied = &dd
		}
		o.Access = &a
	}
	if o.Explanation != nil {
		e := *o.Explanation
		e.Action, e.Resource, e.Decision, e.Summary = s(e.Action), s(e.Resource), s(e.Decision), s(e.Summary)
		e.Missing = sanitizeAll(e.Missing)
		e.Matched = append([]awsops.Statement(nil), e.Matched...)
		for i := range e.Matched {
			e.Matched[i].Source, e.Matched[i].Sid = s(e.Matched[i].Source), s(e.Matched[i].Sid)
		}
		e.Details = append([]awsops.Detail(nil), e.Details...)
		for i := range e.Details {
			e.Details[i].Source, e.Details[i].Decision = s(e.Details[i].Source), s(e.Details[i].Decision)
		}
		o.Explanation = &e
	}
	if o.Change != nil {
		c := *o.Change
		c.Before, c.After, c.Diff = s(c.Before), s(c.After), s(c.Diff)
		c.Added = sanitizeAll(c.Added)
		o.Change = &c
	}
	if o.Cleanup != nil {
		r := awsops.CleanupReport{Resources: append([]awsops.Fate(nil), o.Cleanup.Resources...)}
		for i := range r.Resources {
			f := &r.Resources[i]
			f.Kind, f.Name, f.Outcome = s(f.Kind), s(f.Name), s(f.Outcome)
		}
		o.Cleanup = &r
	}
	return o
}

func sanitizeTable(t awsops.Table) awsops.Table {
	s := sanitize
	t.Name, t.ARN, t.Status, t.KeySchema = s(t.Name), s(t.ARN), s(t.Status), s(t.KeySchema)
	t.SSE.Status, t.SSE.Type, t.SSE.KMSKeyARN = s(t.SSE.Status), s(t.SSE.Type), s(t.SSE.KMSKeyARN)
	return t
}

func sanitizeItems(items []awsops.Item) []awsops.Item {
	if items == nil {
		return nil
	}
	out := make([]awsops.Item, len(items))
	for i, it := range items {
		out[i] = make(awsops.Item, len(it))
		for j, a := range it {
			out[i][j] = awsops.Attr{Name: sanitize(a.Name), Type: sanitize(a.Type), Value: sanitize(a.Value)}
		}
	}
	return out
}

func sanitizeAll(ss []string) []string {
	if ss == nil {
		return nil
	}
	out := make([]string, len(ss))
	for i, v := range ss {
		out[i] = sanitize(v)
	}
	return out
}
