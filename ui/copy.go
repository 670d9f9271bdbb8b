package ui

import (
	"os"
	"path/filepath"
	"strings"

	tea "charm.land/bubbletea/v2"

	"kmslab/steps"
)

// copiedMsg says where a step's commands were saved, or why they were not.
type copiedMsg struct {
	path string
	err  error
}

// copyCommands sends a step's commands to the terminal clipboard with OSC 52
// and saves them to a file: OSC 52 reaches no clipboard under tmux's default
// settings or in many terminals, and nothing tells us whether it did.
// A remote learner gets OSC 52 alone: a file here would be on someone
// else's machine.
func copyCommands(run runInfo, step steps.Step, cmds []string) tea.Cmd {
	text := strings.Join(cmds, "\n") + "\n"
	if run.remote {
		return tea.Batch(tea.SetClipboard(text), func() tea.Msg { return copiedMsg{} })
	}
	dir, runID := run.saveDir, run.names.RunID
	save := func() tea.Msg {
		if dir == "" {
			dir = os.TempDir()
		}
		path := filepath.Join(dir, "kmslab-"+runID+"-"+step.ID+".sh")
		head := "# kmslab run " + runID + ": " + step.Title + "\n"
		err := os.WriteFile(path, []byte(head+text), 0o600)
		return copiedMsg{path: path, err: err}
	}
	return tea.Batch(tea.SetClipboard(text), save)
}

// copiedNote is the status line after c: what was really done.
func copiedNote(msg copiedMsg) string {
	if msg.path == "" && msg.err == nil {
		return "Copied by OSC 52 to your own clipboard (some terminals and tmux ignore it)."
	}
	if msg.err != nil {
		return "Sent to the terminal clipboard (OSC 52); saving them to a file failed: " + msg.err.Error()
	}
	return "Sent to the terminal clipboard (OSC 52) and saved to " + msg.path
}
