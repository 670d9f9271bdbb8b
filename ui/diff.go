package ui

import (
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"kmslab/awsops"
	"kmslab/steps"
)

func init() {
	registerResult(func(c common, r steps.KeyUseGranted) resultView { return &grantView{staticView{c: c}, r} })
}

// grantView is part 6: the key policy change as a diff (computed by awsops,
// drawn here), then the read that now works.
type grantView struct {
	staticView
	r steps.KeyUseGranted
}

func (v *grantView) Update(tea.Msg) (resultView, tea.Cmd, bool) { return v, nil, false }

func (v *grantView) View() string {
	c, w := v.c, v.width
	st := *c.styles
	out := []string{renderChange(c, w, v.r.Change)}
	a := v.r.Access
	if a.Denied != nil {
		out = append(out, renderDenied(c, w, *a.Denied, nil, nil))
		return strings.Join(out, "\n")
	}
	out = append(out, c.section("Read as the test user"),
		st.OK.Render("✓ Allowed: ")+itoa(len(a.Items))+" item(s) read and decrypted.")
	if len(a.Items) > 0 {
		out = append(out, itemsTable(st, w, a.Items))
	}
	if ex := v.r.Explanation; ex != nil && ex.Trace != nil {
		body := st.OK.Render("WHY IT WORKS NOW") + "\n" + whyPanel{st: st, tr: ex.Trace, after: true}.View(w-st.WhyBox.GetHorizontalFrameSize())
		out = append(out, box(st.WhyBox, w, body))
	}
	return strings.Join(out, "\n")
}

// sideBySideMin is the pane width from which the policy diff is shown as two
// columns (before | after) instead of one unified column.
const sideBySideMin = 130

func renderChange(c common, w int, ch awsops.PolicyChange) string {
	st := *c.styles
	out := []string{c.section("Key policy change")}
	if !ch.Changed && ch.Before == ch.After {
		out = append(out, st.Muted.Render("The policy already allowed the test user: nothing changed."))
		return strings.Join(out, "\n")
	}
	for _, p := range ch.Added {
		out = append(out, st.OK.Render("+ principal ")+p)
	}
	out = append(out, policyDiff(st, w, ch.Diff))
	return strings.Join(out, "\n")
}

// policyDiff draws a diff unified, or side by side when width allows.
// Unchanged policies say so rather than show nothing.
func policyDiff(st Styles, width int, d awsops.PolicyDiff) string {
	if d.Empty() {
		return st.Muted.Render("(the policy did not change)")
	}
	if width >= sideBySideMin {
		return sideBySide(st, width, d)
	}
	return unified(st, width, d)
}

func unified(st Styles, width int, d awsops.PolicyDiff) string {
	var out []string
	out = append(out, st.DiffDel.Render("--- key policy before"), st.DiffAdd.Render("+++ key policy after"))
	for _, h := range d.Hunks {
		out = append(out, st.DiffHunk.Render(hunkHeader(h)))
		for _, l := range h.Lines {
			switch l.Op {
			case awsops.DiffInsert:
				out = append(out, diffRows(st.DiffAdd, "+ ", l.Text, width)...)
			case awsops.DiffDelete:
				out = append(out, diffRows(st.DiffDel, "- ", l.Text, width)...)
			case awsops.DiffSame:
				out = append(out, diffRows(st.DiffCtx, "  ", l.Text, width)...)
			}
		}
	}
	return strings.Join(out, "\n")
}

// diffRows styles one diff line padded to width so the add/delete background
// forms a band. A line too long is wrapped, each row repeating the sign, so
// the added principal's ARN is never cut off, even at 80 columns.
func diffRows(style lipgloss.Style, sign, text string, width int) []string {
	avail := max(width-len(sign), 1)
	if ansi.StringWidth(text) <= avail {
		return []string{style.Render(padRight(sign+text, width))}
	}
	var rows []string
	for _, r := range strings.Split(wrapText(text, avail, ":/,"), "\n") {
		rows = append(rows, style.Render(padRight(sign+r, width)))
	}
	return rows
}

func hunkHeader(h awsops.DiffHunk) string {
	del, ins := h.Counts()
	return "@@ -" + itoa(h.FromLine) + "," + itoa(del) + " +" + itoa(h.ToLine) + "," + itoa(ins) + " @@"
}

// sideBySide pairs deletions with insertions row by row, as review tools do.
func sideBySide(st Styles, width int, d awsops.PolicyDiff) string {
	col := (width - 3) / 2
	var left, right []string
	left = append(left, st.DiffHeader.Render(padRight("before", col)))
	right = append(right, st.DiffHeader.Render(padRight("after", col)))
	blank := padRight("", col)
	for _, h := range d.Hunks {
		left = append(left, st.DiffHunk.Render(padRight(hunkHeader(h), col)))
		right = append(right, blank)
		var dels, ins []string
		// pair appends one row group to both columns, padding the shorter.
		pair := func(l, r []string) {
			for i := range max(len(l), len(r)) {
				if i < len(l) {
					left = append(left, l[i])
				} else {
					left = append(left, blank)
				}
				if i < len(r) {
					right = append(right, r[i])
				} else {
					right = append(right, blank)
				}
			}
		}
		flush := func() {
			var l, r []string
			for _, d := range dels {
				l = append(l, diffRows(st.DiffDel, "- ", d, col)...)
			}
			for _, a := range ins {
				r = append(r, diffRows(st.DiffAdd, "+ ", a, col)...)
			}
			pair(l, r)
			dels, ins = nil, nil
		}
		for _, l := range h.Lines {
			switch l.Op {
			case awsops.DiffDelete:
				dels = append(dels, l.Text)
			case awsops.DiffInsert:
				ins = append(ins, l.Text)
			case awsops.DiffSame:
				flush()
				pair(diffRows(st.DiffCtx, "  ", l.Text, col), diffRows(st.DiffCtx, "  ", l.Text, col))
			}
		}
		flush()
	}
	sep := st.TableEdge.Render(" │ ")
	rows := make([]string, len(left))
	for i := range left {
		rows[i] = left[i] + sep + right[i]
	}
	return strings.Join(rows, "\n")
}
