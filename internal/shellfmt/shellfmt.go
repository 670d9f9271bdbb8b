// Package shellfmt lays out shell commands for reading, in the TUI's CLI box
// and the plain report alike, without changing what they mean when pasted.
package shellfmt

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"kmslab/internal/textwrap"
)

// Lines lays out one command within w columns, as a shell would accept it: a
// command too long is broken before its options with backslash
// continuations (inside a $(...) too, one level deeper), and an option whose
// value still does not fit gets the value on lines of its own, broken only
// between shell words. A word longer than a line (a JSON item) is never cut.
// A command of several lines (a heredoc) is kept line for line: a break added
// inside it would change what the shell reads. A comment wraps as comments.
func Lines(c string, w int) []string {
	if strings.Contains(c, "\n") {
		return strings.Split(c, "\n")
	}
	if ansi.StringWidth(c) <= w {
		return []string{c}
	}
	if text, ok := strings.CutPrefix(c, "#"); ok {
		// A comment wraps as comments: a backslash does not continue one.
		lines := strings.Split(textwrap.Words(strings.TrimSpace(text), max(w-2, 10), "/"), "\n")
		for i, l := range lines {
			lines[i] = "# " + l
		}
		return lines
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
		// An option and a long value: the value's words on lines of their
		// own, each line continued. A break inside a word or a quoted
		// string would change what the shell reads, so a word wider than a
		// line stays whole (a JSON item too) and moves left rather than
		// being cut.
		ws := shellWords(p.text)
		out = append(out, indent+ws[0]+" \\")
		vind := indent + "    "
		var vl []string
		for _, word := range ws[1:] {
			if n := len(vl); n > 0 && len(vind)+ansi.StringWidth(vl[n-1]+" "+word)+2 <= w {
				vl[n-1] += " " + word
				continue
			}
			vl = append(vl, word)
		}
		for j, v := range vl {
			ind := vind
			for len(ind) > 0 && len(ind)+ansi.StringWidth(v)+2 > w {
				ind = ind[:max(len(ind)-2, 0)]
			}
			out = append(out, ind+v+contSuffix(cont || j < len(vl)-1))
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
		case ch == '#' && !single && !double && d == 0 && i > 0 && c[i-1] == ' ':
			// A comment runs to the end: no option is cut out of it.
			return append(parts, shellPart{c[start:]})
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

// shellWords cuts s at the blanks the shell splits words at: outside quotes
// and $(...), and not escaped.
func shellWords(s string) []string {
	var ws []string
	single, double := false, false
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && !single:
			i++
		case c == '\'' && !double && depth == 0:
			single = !single
		case c == '"' && !single && depth == 0:
			double = !double
		case c == '$' && !single && i+1 < len(s) && s[i+1] == '(':
			depth++
			i++
		case c == ')' && !single && depth > 0:
			depth--
		case c == '#' && i == start && !single && !double && depth == 0:
			// A comment runs to the end: one word, last.
			return append(ws, s[start:])
		case c == ' ' && !single && !double && depth == 0:
			if i > start {
				ws = append(ws, s[start:i])
			}
			start = i + 1
		}
	}
	if start < len(s) {
		ws = append(ws, s[start:])
	}
	return ws
}

// Verbatim marks the lines of a laid-out command that must reach the shell
// exactly as they are: a heredoc's body and its terminator. Leading blanks
// there become part of the text, and an indented terminator does not end the
// heredoc, so these lines take no prompt and no indent.
func Verbatim(lines []string) []bool {
	out := make([]bool, len(lines))
	var pending []heredoc // opened, not yet ended, in order
	for i, l := range lines {
		if len(pending) == 0 {
			pending = heredocs(l)
			continue
		}
		out[i] = true
		if h := pending[0]; l == h.word || h.tabs && strings.TrimLeft(l, "\t") == h.word {
			pending = pending[1:]
		}
	}
	return out
}

type heredoc struct {
	word string // the terminator
	tabs bool   // <<-: the terminator may follow tabs
}

// heredocs lists the heredocs a command line opens (<<WORD, <<'WORD',
// <<"WORD", <<-WORD; not <<<), outside quotes.
func heredocs(l string) []heredoc {
	var hs []heredoc
	single, double := false, false
	for i := 0; i < len(l); i++ {
		switch c := l[i]; {
		case c == '\'' && !double:
			single = !single
		case c == '"' && !single:
			double = !double
		case c == '\\' && !single:
			i++
		case c == '<' && !single && !double && strings.HasPrefix(l[i:], "<<<"):
			i += 2 // a here-string
		case c == '<' && !single && !double && strings.HasPrefix(l[i:], "<<"):
			i += 2
			var h heredoc
			if i < len(l) && l[i] == '-' {
				h.tabs = true
				i++
			}
			for i < len(l) && l[i] == ' ' {
				i++
			}
			end := i
			for end < len(l) && !strings.ContainsRune(" \t;&|<>()", rune(l[end])) {
				end++
			}
			if h.word = strings.Trim(l[i:end], `'"`); h.word != "" {
				hs = append(hs, h)
			}
			i = end - 1
		}
	}
	return hs
}
