package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"kmslab/awsops"
	"kmslab/steps"
)

// renderQuitPrompt is the quit dialog drawn over the active screen: on AWS
// with resources left, the choice to clean up first; otherwise a plain "quit?".
func (m *Model) renderQuitPrompt() string {
	st := m.styles
	w := min(max(m.active().scroller().width-4, 30), 70)
	var body string
	if m.opts.Mode == AWS && m.resourcesPresent() {
		where, cost := "in your AWS account.", "The KMS key costs $1/month until deleted; the rest is nearly free but clutters your account."
		if m.opts.Endpoint != "" {
			where = "at " + m.opts.Endpoint + "."
			cost = "If that endpoint is AWS itself, the KMS key costs $1/month until deleted."
		}
		body = st.Warn.Render("Resources from this run still exist "+where) + "\n\n" + cost + "\n\n" +
			st.OK.Render("y  ") + "  clean up now, then quit (recommended)\n" +
			st.Error.Render("n  ") + "  quit and keep them; `kmslab cleanup` removes them later\n" +
			st.Bold.Render("esc") + "  stay"
	} else {
		reason := "Offline: nothing to keep. The simulated AWS and all it holds vanish with the program."
		if m.busy() {
			reason = "A step is still running; quitting cancels it. " + reason
		}
		body = st.Bold.Render("Quit kmslab?") + "\n\n" + reason + "\n\n" +
			st.OK.Render("y") + "      quit\n" + st.Bold.Render("n/esc") + "  stay"
	}
	return box(st.Dialog, w, body)
}

// resourcesPresent reports whether the run created something that cleanup
// has not yet removed.
func (m Model) resourcesPresent() bool {
	sure, _ := m.leftovers()
	return sure
}

// leftovers says what the run may have left behind: sure when a resource is
// known to exist, maybe when a step failed while creating one (it may or may
// not exist). The run's ledger knows exactly; without one (offline, tests) a
// step that produced something created it.
func (m Model) leftovers() (sure, maybe bool) {
	if lab := m.opts.Lab; lab != nil && lab.LedgerPath() != "" {
		for _, e := range lab.Ledger().Pending() {
			if e.State == awsops.StateCreated {
				sure = true
			} else {
				maybe = true
			}
		}
		return sure, maybe && !sure
	}
	for i, s := range m.steps {
		if m.opts.Course.Steps[i].IsCleanup() {
			if s.status == statusDone {
				if r, ok := s.outcome.Result.(steps.CleanedUp); !ok || r.Report.OK() {
					return false, false
				}
			}
			continue
		}
		switch {
		case s.status == statusDone || s.status == statusDenied || s.outcome.Result != nil:
			sure = true
		case s.ran:
			maybe = true
		}
	}
	return sure, maybe && !sure
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
	sure, maybe := m.leftovers()
	switch {
	case sure:
		return "Resources of kmslab run " + m.opts.Names.RunID + " remain in " + where + ": `kmslab cleanup` removes them."
	case maybe:
		return "A step of kmslab run " + m.opts.Names.RunID + " failed while creating a resource in " + where +
			": `kmslab cleanup` finds and removes it if it exists."
	}
	return ""
}

func (m Model) cleanupIndex() int {
	for i, s := range m.opts.Course.Steps {
		if s.IsCleanup() {
			return i
		}
	}
	return -1
}

func (m Model) askQuit() (Model, tea.Cmd) {
	if !m.resourcesPresent() && !m.busy() {
		return m, m.quit()
	}
	m.quitting = true
	return m, nil
}

func (m Model) quit() tea.Cmd {
	m.runner.stop()
	return tea.Quit
}

func (m Model) handleQuitPrompt(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	keys := m.c.keys
	switch {
	case key.Matches(msg, keys.ForceQuit):
		m.quitting = false
		return m, m.quit()
	case key.Matches(msg, keys.Cancel):
		m.quitting = false
		return m, nil
	case key.Matches(msg, keys.Yes):
		m.quitting = false
		if m.opts.Mode == Offline || !m.resourcesPresent() {
			return m, m.quit()
		}
		ci := m.cleanupIndex()
		if ci < 0 {
			return m, m.quit()
		}
		m.quitAfterCleanup = true
		m.goTo(screenStep, ci)
		if m.busy() {
			// The running job would race cleanup: cancelled, it comes
			// back, then cleanup starts.
			m.runner.stop()
			j := m.stepJob(ci)
			m.queued = &j
			return m, nil
		}
		return m.startStep(ci)
	case key.Matches(msg, keys.No):
		m.quitting = false
		if m.opts.Mode == Offline {
			return m, nil
		}
		return m, m.quit()
	}
	return m, nil
}
