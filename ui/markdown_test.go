package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestRenderMarkdown(t *testing.T) {
	tests := []struct {
		name, md string
		width    int
		want     string
	}{
		{"paragraph wraps at the width", "one two three\nfour five", 9, "one two\nthree\nfour five"},
		{"blocks get a blank line between", "# Title\n\nText.", 40, "# Title\n\nText."},
		{"no-TTY marks emphasis and code", "a **b** *c* `d e`", 40, "a **b** *c* `\u00a0d\u00a0e\u00a0`"},
		{"marks stay glued to punctuation", "(**b**), `x`.", 40, "(**b**), `\u00a0x\u00a0`."},
		{"bullet items hang under their text", "Intro.\n\n- first item wraps here\n- second", 14,
			"Intro.\n\n• first item\n  wraps here\n• second"},
		{"ordered items hang under their text", "3. alpha beta gamma\n4. delta", 12,
			"3. alpha\n   beta\n   gamma\n4. delta"},
		{"nested lists indent under the parent", "- a\n  - b c d e", 8, "• a\n  • b c\n    d e"},
		{"code blocks keep their lines", "```\nx  y\n```", 20, "  x  y"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := renderMarkdown(tt.md, tt.width, mdStyles(mdNoTTY))
			if got != tt.want {
				t.Errorf("got\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

// Every line of every step text, in colour, stays within the width and ends
// with its style closed, since the pane draws its border right after it.
func TestRenderMarkdownColourFits(t *testing.T) {
	md := "# Head\n\nSome **bold words that wrap** and *italic ones* with `kms:Decrypt` here.\n\n- item **one** that is long\n- two"
	for _, style := range []string{mdDark, mdLight} {
		for _, w := range []int{12, 30, 80} {
			out := renderMarkdown(md, w, mdStyles(style))
			if !strings.Contains(ansi.Strip(out), "kms:Decrypt") {
				t.Errorf("%s/%d: code span lost: %q", style, w, ansi.Strip(out))
			}
			for _, l := range strings.Split(out, "\n") {
				if ansi.StringWidth(l) > w {
					t.Errorf("%s/%d: line %q is wider than %d", style, w, ansi.Strip(l), w)
				}
				if strings.Contains(l, "\x1b[") && !strings.HasSuffix(l, "m") {
					t.Errorf("%s/%d: line %q ends inside a style", style, w, l)
				}
			}
		}
	}
}
