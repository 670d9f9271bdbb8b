package ui

import (
	tea "charm.land/bubbletea/v2"

	"kmslab/awsops/ledger"
	"kmslab/steps"
)

func init() {
	registerResult(func(c common, r steps.CleanedUp) resultView { return &cleanupView{staticView{c: c}, r.Report} })
}

// cleanupView is what cleanup did with each resource.
type cleanupView struct {
	staticView
	r ledger.CleanupReport
}

func (v *cleanupView) Update(tea.Msg) (resultView, tea.Cmd, bool) { return v, nil, false }

func (v *cleanupView) View() string {
	st := *v.c.styles
	rows := make([][]string, 0, len(v.r.Resources))
	for _, f := range v.r.Resources {
		outcome := f.Outcome
		if f.Err != nil {
			outcome = "✗ " + f.Err.Error()
		}
		rows = append(rows, []string{f.Kind, f.Name, outcome})
	}
	head := st.OK.Render("✓ Everything this run created is gone or scheduled for deletion.")
	if !v.r.OK() {
		head = st.Error.Render("✗ Some resources may remain: press r to retry, or run `kmslab cleanup` later.")
	}
	if len(rows) == 0 {
		return v.c.section("Cleanup") + "\n" + st.Muted.Render("Nothing to remove.")
	}
	return v.c.section("Cleanup") + "\n" + head + "\n" + dataTable(st, v.width, []string{"Kind", "Name", "Outcome"}, rows)
}

// cleanupPreview lists what cleanup will remove, before it runs. keyID is
// the lab key's id once a step made it: a key is named by its id (an alias
// is only a pointer to it), so the row says both.
func cleanupPreview(c common, w int, keyID string) string {
	n := c.run.names
	key := "the key " + n.Alias + " points to"
	if keyID != "" {
		key = keyID + " (" + n.Alias + ")"
	}
	rows := [][]string{
		{"IAM user, its access key and policy attachment", n.User, "deleted"},
		{"DynamoDB table", n.Table, "deleted"},
		{"KMS alias", n.Alias, "deleted"},
		{"KMS key behind the alias", key, "deletion scheduled in 7 days (the minimum)"},
	}
	note := "Offline, all of it also vanishes when you quit."
	if c.run.mode == AWS {
		note = "Only resources of this run (tag kmslab:run=" + n.RunID + ") are touched."
	}
	return dataTable(*c.styles, w, []string{"Will remove", "Name", "How"}, rows) + "\n" + c.styles.Muted.Render(note)
}
