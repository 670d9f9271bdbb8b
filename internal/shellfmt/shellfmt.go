// Package shellfmt lays out shell commands for reading, in the TUI's CLI box
// and the plain report alike, without changing what they mean when pasted.
package shellfmt

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Lines lays out one command within w columns, as a shell would accept it: a
// command too long is broken before its options with backslash
// continuations (inside a $(...) too, one level deeper), and an option whose
// value still does not fit gets the value on a line of its own, wrapped at
// commas if it must be (a JSON item). A word longer than a line is never cut.
// A command of several lines (a heredoc) is kept line for line: a break added
// inside it would change what the shell reads.
func Lines(c string, w int) []string {
	if strings.Contains(c, "\n") {
		return strings.Split(c, "\n")
	}
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
		// A word that does not fit at that depth moves left rather than being cut.
		for len(vind) > 0 && len(vind)+longestWord(val)+2 > w {
			vind = vind[:max(len(vind)-2, 0)]
		}
		vl := strings.Split(wrapWords(val, max(w-len(vind)-2, 10), ","), "\n")
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

// JoinContinuations turns a shell command continued with backslash-newline
// into one line.
func JoinContinuations(c string) string {
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

// wrapWords wraps at spaces and the breakpoints, never at a hyphen (ARNs are
// full of them) and never inside a word.
func wrapWords(s string, w int, breakpoints string) string {
	const nbHyphen = "\u2011"
	s = strings.ReplaceAll(s, "-", nbHyphen)
	return strings.ReplaceAll(ansi.Wordwrap(s, w, breakpoints), nbHyphen, "-")
}

// longestWord is the width of the longest run a wrap at spaces and commas
// cannot break.
func longestWord(s string) int {
	n := 0
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' }) {
		n = max(n, ansi.StringWidth(w)+1) // the comma or space it ends with
	}
	return n
}
