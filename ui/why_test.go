package ui

import (
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// TestWhyPanel checks what the panel must never leave out: a disagreement
// with IAM's simulator, the documents it could not read, the two ways to fix
// the lab's denial, and the width it is given.
func TestWhyPanel(t *testing.T) {
	st := DefaultStyles(true, false)
	tr := fxTrace(fxPolicyBefore)
	tr.Disagreement = "IAM's policy simulator says allowed where this evaluation says denied by default (implicit deny)."
	tr.Missing = []string{"The key's grants could not be listed: the caller may not call kms:ListGrants on this key, so grants are missing from this trace."}
	for _, w := range []int{40, 54, 90} {
		out := whyPanel{st: st, tr: tr}.View(w)
		plain := strings.Join(strings.Fields(ansi.Strip(out)), " ")
		for _, want := range []string{
			"simulator says allowed where this evaluation says denied by default (implicit deny)",
			"may not call kms:ListGrants",
			"hands the decision to IAM",
			"name kmslab-user-demo01 in the key policy",
			"attach an IAM policy that allows kms:Decrypt",
			"Implicit deny:",
		} {
			if !strings.Contains(plain, want) {
				t.Errorf("width %d: panel lacks %q:\n%s", w, want, ansi.Strip(out))
			}
		}
		for _, l := range strings.Split(out, "\n") {
			if lipgloss.Width(l) > w {
				t.Errorf("width %d: line of %d cells: %q", w, lipgloss.Width(l), ansi.Strip(l))
			}
		}
	}
	after := whyPanel{st: st, tr: fxTrace(fxPolicyAfter), after: true}.View(90)
	if !strings.Contains(ansi.Strip(after), "◀ now matches: names kmslab-user-demo01") || strings.Contains(after, "Implicit deny") {
		t.Errorf("after the edit:\n%s", ansi.Strip(after))
	}
}
