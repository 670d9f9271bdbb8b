package ui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
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
		c = joinContinuations(c)
		if strings.HasPrefix(c, "#") {
			for i, l := range strings.Split(wrapText(strings.TrimSpace(strings.TrimPrefix(c, "#")), w-2, "/"), "\n") {
				if i == 0 || l != "" {
					lines = append(lines, st.Muted.Render("# "+l))
				}
			}
			continue
		}
		for i, l := range shellLines(c, w-2) {
			if i == 0 {
				lines = append(lines, st.CLIPrompt.Render("$ ")+l)
			} else {
				lines = append(lines, "  "+l)
			}
		}
	}
	return strings.Join(lines, "\n")
}

// shellLines lays out one command within w columns (the prompt excluded).
func shellLines(c string, w int) []string {
	if ansi.StringWidth(c) <= w {
		return []string{c}
	}
	var out []string
	parts := splitOptions(c, 0)
	for i, p := range parts {
		cont := i < len(parts)-1
		indent := ""
		if i > 0 {
			indent = "  "
		}
		if ansi.StringWidth(indent+p.text)+2 <= w || !strings.Contains(p.text, " ") {
			out = append(out, indent+p.text+contSuffix(cont))
			continue
		}
		// Too long: a $(...) inside breaks before its own options.
		if inner := splitOptions(p.text, 1); len(inner) > 1 {
			for j, q := range inner {
				ind := indent
				if j > 0 {
					ind += "    "
				}
				out = append(out, ind+q.text+contSuffix(cont || j < len(inner)-1))
			}
			continue
		}
		// An option and a long value: the value on its own line, wrapped if
		// it must be (a JSON item at its commas).
		opt, val, _ := strings.Cut(p.text, " ")
		out = append(out, indent+opt+" \\")
		vind := indent + "    "
		vl := strings.Split(wrapText(val, max(w-len(vind)-2, 10), ","), "\n")
		for j, v := range vl {
			suffix := ""
			if j == len(vl)-1 {
				suffix = contSuffix(cont)
			}
			out = append(out, vind+v+suffix)
		}
	}
	return out
}

func contSuffix(cont bool) string {
	if cont {
		return " \\"
	}
	return ""
}

type shellPart struct{ text string }

// splitOptions cuts a command before each " --" that sits at the given $(...)
// depth and outside single quotes; double quotes only shield depth 0, since
// a $(...) inside them is a command of its own.
func splitOptions(c string, depth int) []shellPart {
	var parts []shellPart
	single, double := false, false
	d, start := 0, 0
	for i := 0; i < len(c); i++ {
		switch ch := c[i]; {
		case ch == '\'' && !double:
			single = !single
		case ch == '"' && !single && d == 0:
			double = !double
		case ch == '$' && !single && i+1 < len(c) && c[i+1] == '(':
			d++
			i++
		case ch == ')' && !single && d > 0:
			d--
		case ch == ' ' && !single && d == depth && (depth > 0 || !double) && strings.HasPrefix(c[i:], " --"):
			parts = append(parts, shellPart{c[start:i]})
			start = i + 1
		}
	}
	return append(parts, shellPart{c[start:]})
}

// joinContinuations turns a shell command continued with backslash-newline
// into one line.
func joinContinuations(c string) string {
	if !strings.Contains(c, "\\\n") {
		return c
	}
	parts := strings.Split(c, "\n")
	for i, p := range parts {
		p = strings.TrimSpace(p)
		parts[i] = strings.TrimSpace(strings.TrimSuffix(p, "\\"))
	}
	return strings.Join(parts, " ")
}
