package cli

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"charm.land/fang/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/term"

	"kmslab/internal/textwrap"
)

// errorHandler prints a failed command's error as the one sentence it is.
// fang's default would title-case its first word ("AWS" becomes "Aws"),
// add a second full stop and pad every line to 120 columns.
func errorHandler(w io.Writer, styles fang.Styles, err error) {
	msg := sentence(err.Error())
	if usageError(err) {
		msg += " Try --help for usage."
	}
	dest := w
	if cw, ok := w.(*colorprofile.Writer); ok {
		dest = cw.Forward
	}
	f, ok := dest.(term.File)
	if !ok || !term.IsTerminal(f.Fd()) {
		_, _ = fmt.Fprintln(w, msg)
		return
	}
	width := 80
	if cw, _, serr := term.GetSize(f.Fd()); serr == nil && cw > 0 {
		width = cw
	}
	text := styles.ErrorText.UnsetTransform().UnsetWidth()
	_, _ = fmt.Fprintln(w, styles.ErrorHeader.String())
	// Line by line, so no line is padded to the longest; at spaces only, so
	// a flag like --endpoint-url stays whole.
	for _, line := range wrapAtSpaces(msg, max(width-text.GetHorizontalFrameSize()-2, 20)) {
		_, _ = fmt.Fprintln(w, text.Render(line))
	}
	_, _ = fmt.Fprintln(w)
}

// usageError reports whether err is cobra's complaint about the command
// line. cobra gives these no type, so its fixed prefixes are all there is
// (fang does the same).
func usageError(err error) bool {
	for _, p := range []string{"unknown flag:", "unknown shorthand flag:", "flag needs an argument:", "invalid argument ", "unknown command ", "accepts ", "requires at least", "bad flag syntax:"} {
		if strings.HasPrefix(err.Error(), p) {
			return true
		}
	}
	return false
}

// sentence makes an error message a sentence: a capital first letter (a
// lowercase one only; "AWS" stays as it is) and exactly one full stop.
func sentence(msg string) string {
	msg = strings.TrimSpace(msg)
	if r, n := utf8.DecodeRuneInString(msg); unicode.IsLower(r) {
		msg = string(unicode.ToUpper(r)) + msg[n:]
	}
	msg = strings.TrimRight(msg, ". ")
	if msg == "" {
		return msg
	}
	return msg + "."
}

// trimTrailingSpace drops the spaces at the end of each line written
// through it. A run of spaces is held back until something other than a
// line end follows it.
type trimTrailingSpace struct {
	w       io.Writer
	pending int
}

func (t *trimTrailingSpace) Write(p []byte) (int, error) {
	var out bytes.Buffer
	for _, b := range p {
		switch b {
		case ' ':
			t.pending++
			continue
		case '\n', '\r':
			t.pending = 0
		default:
			out.Write(bytes.Repeat([]byte{' '}, t.pending))
			t.pending = 0
		}
		out.WriteByte(b)
	}
	if _, err := t.w.Write(out.Bytes()); err != nil {
		return 0, err
	}
	return len(p), nil
}

// wrapAtSpaces breaks each line of s into lines of at most width columns
// between words (textwrap.Words), keeping its indentation; a word longer
// than width gets a line of its own.
func wrapAtSpaces(s string, width int) []string {
	var lines []string
	for _, in := range strings.Split(s, "\n") {
		body := strings.TrimLeft(in, " ")
		indent := in[:len(in)-len(body)]
		for _, l := range strings.Split(textwrap.Words(body, width-len(indent), ""), "\n") {
			lines = append(lines, indent+l)
		}
	}
	return lines
}
