// Package textwrap wraps text for people at a width: between words and never
// at a hyphen, since ARNs, key ids and names are full of hyphens and
// "us-east-" / "1" reads as two things. The TUI, the plain report and the
// command layout all wrap through it.
package textwrap

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// nbHyphen stands in for "-" while wrapping: ansi always breaks after a
// hyphen, never after a non-breaking one.
const nbHyphen = "\u2011"

// Words wraps s at w columns by the one rule below, and never cuts a word:
// one wider than w, with no breakpoint to split it at, stays whole, so what
// is copied from the line still works.
func Words(s string, w int, breakpoints string) string {
	return wrap(s, w, breakpoints, false)
}

// Box wraps like Words for a box that must not overflow: a word wider than
// the whole box, after splitting at breakpoints, is cut where the width runs
// out.
func Box(s string, w int, breakpoints string) string {
	return wrap(s, w, breakpoints, true)
}

// wrap is the one rule: lines break at spaces, so an ARN, an action name
// (kms:Decrypt), a date ("2012-10-17"), a CLI token or a host name that fits
// on a line is never split, and punctuation stays on its word (no lone ","
// line). Only a word wider than w is split: after one of breakpoints, and in
// a box, where the width runs out.
func wrap(s string, w int, breakpoints string, cut bool) string {
	split := func(s string) string {
		return keepHyphens(s, func(s string) string {
			if cut {
				return ansi.Hardwrap(ansi.Wrap(s, w, breakpoints), w, true)
			}
			return ansi.Wordwrap(s, w, breakpoints)
		})
	}
	lines := strings.Split(keepHyphens(s, func(s string) string { return ansi.Wordwrap(s, w, "") }), "\n")
	if len(lines) > 1 && strings.TrimSpace(lines[0]) == "" {
		// An indented line of code whose first word is too wide: breaking
		// at the indentation would leave an empty line, so split the word.
		return split(s)
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			lines[i] = split(l)
		}
	}
	return strings.Join(lines, "\n")
}

func keepHyphens(s string, wrap func(string) string) string {
	return strings.ReplaceAll(wrap(strings.ReplaceAll(s, "-", nbHyphen)), nbHyphen, "-")
}
