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

// Words wraps s at w columns at spaces and after any of breakpoints, never at
// a hyphen and never inside a word: a word wider than w stays whole, so what
// is copied from the line still works.
func Words(s string, w int, breakpoints string) string {
	return keepHyphens(s, func(s string) string { return ansi.Wordwrap(s, w, breakpoints) })
}

// Box wraps like Words for a box that must not overflow: a word wider than w
// is cut where the width runs out.
func Box(s string, w int, breakpoints string) string {
	return keepHyphens(s, func(s string) string { return ansi.Hardwrap(ansi.Wrap(s, w, breakpoints), w, true) })
}

func keepHyphens(s string, wrap func(string) string) string {
	return strings.ReplaceAll(wrap(strings.ReplaceAll(s, "-", nbHyphen)), nbHyphen, "-")
}
