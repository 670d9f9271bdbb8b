package ui

import tea "charm.land/bubbletea/v2"

// request is how a screen asks the root for something (navigate, run a
// job, a note): a command whose message the root handles. The root
// settles a key press's commands before the next key (see settle), so a
// fast second Enter meets the screen the first one opened.
func request(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }

// The screens ask the root to navigate with these messages; the root refuses
// what the state does not allow (a second step while one runs).
type (
	navMsg struct {
		to  screen
		cur int // the step to show; -1 keeps the current one
	} // show a screen (and step)
	beginMsg   struct{}            // leave the welcome screen
	nextMsg    struct{}            // past a finished step
	runStepMsg struct{ index int } // run (or retry) a step
	askQuitMsg struct{}            // quit, asking first if resources remain
	flashMsg   string              // a one-shot note on the status line
)
