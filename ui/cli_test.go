package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestCLIBlockComments(t *testing.T) {
	out := ansi.Strip(cliBlock(DefaultStyles(true, false), []string{"# with the test user's access key in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY:"}, 40))
	lines := strings.Split(out, "\n")
	if len(lines) < 2 {
		t.Fatalf("a long comment should wrap: %q", out)
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "# ") || ansi.StringWidth(l) > 40 {
			t.Errorf("comment line %q: every wrapped line must stay a comment within 40 columns", l)
		}
	}
}
