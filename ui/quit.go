package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"kmslab/awsops"
)

// quitPrompt is the quit dialog, drawn over the active screen while open:
// on AWS with resources left, the choice to clean up first; otherwise a
// plain "quit?". Its answers are requests the root applies.
type quitPrompt struct {
	quitting bool // open
	// quitAfterCleanup makes a successful cleanup end the program (chosen here).
	quitAfterCleanup bool
}

// quitHint is the status line's hint while the prompt is open.
const quitHint = "Answer above: y, n or esc."

// The quit prompt's answers.
type (
	quitMsg    struct{} // stop what runs and end the program
	cleanUpMsg struct{} // run cleanup, then quit if it succeeds
)

// Update answers y, n, esc and Ctrl+C.
func (q quitPrompt) Update(msg tea.KeyPressMsg, c common, w *walk) (quitPrompt, tea.Cmd) {
	keys := c.keys
	switch {
	case key.Matches(msg, keys.ForceQuit):
	case key.Matches(msg, keys.Cancel):
		q.quitting = false
		return q, nil
	case key.Matches(msg, keys.Yes):
		if c.run.mode == AWS && w.resourcesPresent(c.run.lab) && w.cleanupIndex() >= 0 {
			q.quitting, q.quitAfterCleanup = false, true
			return q, request(cleanUpMsg{})
		}
	case key.Matches(msg, keys.No):
		if c.run.mode == Offline {
			q.quitting = false
			return q, nil
		}
	default:
		return q, nil
	}
	q.quitting = false
	return q, request(quitMsg{})
}

// cleanedUp reports whether step i's end is the successful cleanup the
// prompt asked for, after which the program ends.
func (q *quitPrompt) cleanedUp(w *walk, i int, lab *awsops.Lab) bool {
	if !q.quitAfterCleanup || !w.course.Steps[i].IsCleanup() {
		return false
	}
	q.quitAfterCleanup = false
	return w.steps[i].status == statusDone && !w.resourcesPresent(lab)
}

// View is the dialog, at most width columns wide.
func (q quitPrompt) View(c common, width int, w *walk) string {
	st := c.styles
	width = min(max(width-4, 30), 70)
	var body string
	if c.run.mode == AWS && w.resourcesPresent(c.run.lab) {
		where, cost := "in your AWS account.", "The KMS key costs $1/month until deleted; the rest is nearly free but clutters your account."
		if ep := c.run.endpoint; ep != "" {
			where = "at " + ep + "."
			cost = "If that endpoint is AWS itself, the KMS key costs $1/month until deleted."
		}
		body = st.Warn.Render("Resources from this run still exist "+where) + "\n\n" + cost + "\n\n" +
			st.OK.Render("y  ") + "  clean up now, then quit (recommended)\n" +
			st.Error.Render("n  ") + "  quit and keep them; `kmslab cleanup` removes them later\n" +
			st.Bold.Render("esc") + "  stay"
	} else {
		reason := "Offline: nothing to keep. The simulated AWS and all it holds vanish with the program."
		if w.busy() {
			reason = "A step is still running; quitting cancels it. " + reason
		}
		body = st.Bold.Render("Quit kmslab?") + "\n\n" + reason + "\n\n" +
			st.OK.Render("y") + "      quit\n" + st.Bold.Render("n/esc") + "  stay"
	}
	return box(st.Dialog, width, body)
}

// askQuit quits at once when nothing would be lost, else opens the prompt.
func (m Model) askQuit() (Model, tea.Cmd) {
	if !m.resourcesPresent(m.c.run.lab) && !m.busy() {
		return m.update(quitMsg{})
	}
	m.quitting = true
	return m, nil
}

// cleanUp shows cleanup and runs it, once the job it cancels came back:
// the two would race on the lab.
func (m Model) cleanUp() (Model, tea.Cmd) {
	ci := m.cleanupIndex()
	m.goTo(screenStep, ci)
	if !m.busy() {
		return m.startStep(ci)
	}
	m.runner.stop()
	j := m.stepJob(ci)
	m.queued = &j
	return m, nil
}

// ExitNote is what to tell the learner once the program has ended: on AWS,
// that resources remain and `kmslab cleanup` removes them. Empty when
// nothing remains (and always offline: the embedded AWS vanished).
func (m Model) ExitNote() string {
	if m.opts.Mode != AWS {
		return ""
	}
	where := "your AWS account " + m.opts.Identity.Account + " (" + m.opts.Identity.Region + ")"
	if m.opts.Endpoint != "" {
		where = m.opts.Endpoint
	}
	run := m.c.run.names.RunID
	switch sure, maybe := m.leftovers(m.c.run.lab); {
	case sure:
		return "Resources of kmslab run " + run + " remain in " + where + ": `kmslab cleanup` removes them."
	case maybe:
		return "A step of kmslab run " + run + " failed while creating a resource in " + where +
			": `kmslab cleanup` finds and removes it if it exists."
	}
	return ""
}
