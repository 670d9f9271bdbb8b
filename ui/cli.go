package ui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"kmslab/internal/shellfmt"
)

// cliBlock shows commands as a shell would accept them: a command too long for
// the width is broken before its options with backslash continuations (inside
// a $(...) too, one level deeper), an option whose value still does not fit
// gets the value on a line of its own, and comments wrap as comments. Commands
// arrive on one line or already continued. What c copies is the command as the
// step gave it, not these lines.
func cliBlock(st Styles, cmds []string, w int) string {
	w = max(w, 20)
	var lines []string
	for _, c := range cmds {
		c = shellfmt.JoinContinuations(c)
		if strings.HasPrefix(c, "#") {
			for i, l := range strings.Split(wrapText(strings.TrimSpace(strings.TrimPrefix(c, "#")), w-2, "/"), "\n") {
				if i == 0 || l != "" {
					lines = append(lines, st.Muted.Render("# "+l))
				}
			}
			continue
		}
		for i, l := range shellfmt.Lines(c, w-2) {
			if i == 0 {
				lines = append(lines, st.CLIPrompt.Render("$ ")+l)
			} else if ansi.StringWidth("  "+l) <= w {
				lines = append(lines, "  "+l)
			} else {
				lines = append(lines, l) // a word too long to indent: whole at the margin
			}
		}
	}
	return strings.Join(lines, "\n")
}
