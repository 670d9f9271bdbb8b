package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// A key press can make a screen ask the root for something (request): go to
// another screen, run a step. The answer must be in place before the next
// key is read, or a fast second Enter acts on the screen the first one left
// (running a step twice, skipping one). Screens return their requests as
// commands, which Bubble Tea runs after Update, while more keys may already
// be queued; so the root settles a key press's commands: it runs them in
// one command (settle), holds the keys that arrive meanwhile, applies the
// requests in Update when settledMsg arrives, then replays the held keys.
// Long work is never settled: a job (a step, an experiment) is started by
// the root's runner from a request, in a command of its own.

// settledMsg carries what a key press's commands returned, in order.
type settledMsg struct{ msgs []tea.Msg }

// settle runs cmd and the commands it batches, one after another, and
// delivers their messages together.
func settle(cmd tea.Cmd) tea.Cmd {
	return func() tea.Msg {
		var msgs []tea.Msg
		queue := []tea.Cmd{cmd}
		for len(queue) > 0 {
			c := queue[0]
			queue = queue[1:]
			if c == nil {
				continue
			}
			switch msg := c().(type) {
			case nil:
			case tea.BatchMsg:
				queue = append(queue, msg...)
			default:
				msgs = append(msgs, msg)
			}
		}
		return settledMsg{msgs}
	}
}

// isRequest reports whether msg is one the root applies at once when it
// settles; anything else (a clipboard write, an editor to start, a panel
// reading) goes back to Bubble Tea as a command.
func isRequest(msg tea.Msg) bool {
	switch msg.(type) {
	case navMsg, beginMsg, nextMsg, runStepMsg, runJobMsg, askQuitMsg, quitMsg, cleanUpMsg, flashMsg,
		chooseLabMsg, otherLabMsg, nextRunMsg:
		return true
	}
	return false
}

// applySettled applies a key press's requests, hands its other messages back
// to Bubble Tea, then replays the keys held meanwhile.
func (m Model) applySettled(msg settledMsg) (Model, tea.Cmd) {
	m.settling--
	var cmds []tea.Cmd
	for _, r := range msg.msgs {
		if !isRequest(r) {
			cmds = append(cmds, request(r))
			continue
		}
		var c tea.Cmd
		m, c = m.update(r)
		cmds = append(cmds, c)
	}
	for m.settling == 0 && len(m.held) > 0 {
		k := m.held[0]
		m.held = m.held[1:]
		var c tea.Cmd
		m, c = m.handleKey(k)
		cmds = append(cmds, c)
	}
	return m, tea.Batch(cmds...)
}

// settler holds the keys that arrive while a key press's commands settle.
type settler struct {
	settling int // key presses whose commands have not come back yet
	held     []tea.KeyPressMsg
}

// settled makes a key press's commands settle before the next key is read.
func (m Model) settled(cmd tea.Cmd) (Model, tea.Cmd) {
	if cmd == nil {
		return m, nil
	}
	m.settling++
	return m, settle(cmd)
}

// hold keeps k when it arrived while a previous key settles; force (Ctrl+C)
// is never held.
func (s *settler) hold(k tea.KeyPressMsg, force key.Binding) bool {
	if s.settling == 0 || key.Matches(k, force) {
		return false
	}
	s.held = append(s.held, k)
	return true
}
