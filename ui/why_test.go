package ui

import (
	"slices"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"kmslab/policy"
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

// TestWhoForNamesEachPrincipalOnce: a principal named in several statements
// is let in once, with all its actions; the account root and everyone read
// as such.
func TestWhoForNamesEachPrincipalOnce(t *testing.T) {
	t.Parallel()
	admin := "arn:aws:iam::111122223333:user/lab-admin"
	got := whoFor([]*policy.StatementTrace{
		{Principals: []string{"arn:aws:iam::111122223333:root"}, Actions: []string{"kms:*"}},
		{Principals: []string{admin}, Actions: []string{"kms:Create*", "kms:Describe*"}},
		{Principals: []string{admin, "arn:aws:iam::111122223333:user/bob"}, Actions: []string{"kms:Decrypt", "kms:Describe*"}},
		{Principals: []string{"*"}, Actions: []string{"kms:DescribeKey"}},
	})
	want := []string{"the account root (kms:*)", "lab-admin (kms:Create*, kms:Describe*, … 1 more)", "bob (kms:Decrypt, kms:Describe*)", "everyone (kms:DescribeKey)"}
	if !slices.Equal(got, want) {
		t.Errorf("whoFor = %q, want %q", got, want)
	}
}
