package ui

import (
	"time"

	tea "charm.land/bubbletea/v2"
)

// flashTTL is how long a note stays on the status line before the hint
// returns.
var flashTTL = 8 * time.Second

// flashTickMsg clears the note it was armed for, unless a newer one replaced it.
type flashTickMsg struct{ seq int }

// statusNote is the one-shot note on the status line (a screen's flashMsg,
// where copied commands went), cleared by the next key or after flashTTL.
type statusNote struct {
	flash    string
	flashSeq int // which note a flashTickMsg is for
}

// note shows s and lets it fade.
func (n *statusNote) note(s string) tea.Cmd {
	n.flash = s
	n.flashSeq++
	seq := n.flashSeq
	return tea.Tick(flashTTL, func(time.Time) tea.Msg { return flashTickMsg{seq} })
}

// fade clears the note msg was armed for, unless a newer one replaced it.
func (n *statusNote) fade(msg flashTickMsg) {
	if msg.seq == n.flashSeq {
		n.flash = ""
	}
}
