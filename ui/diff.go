package ui

import (
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"kmslab/awsops/policydoc"
	"kmslab/steps"
)

func init() {
	registerResult(func(c common, r steps.KeyUseGranted) resultView { return &grantView{staticView{c: c}, r} })
}

// grantView is the grant step's result: the key policy change as a diff (computed by awsops,
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
		out = append(out, renderDenied(c, w, *a.Denied, nil, nil, ""))
		return strings.Join(out, "\n")
	}
	out = append(out, c.section("Read as the test user"),
		st.OK.Render("✓ Allowed: ")+items(len(a.Items))+" read and decrypted.")
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

func renderChange(c common, w int, ch policydoc.Change) string {
	st := *c.styles
	out := []string{c.section("Key policy change")}
	if !ch.Changed && ch.Before == ch.After {
		out = append(out, st.Muted.Render("The policy already allowed the test user: nothing changed."))
		return strings.Join(out, "\n")
	}
	for _, p := range ch.Added {
		if ansi.StringWidth("+ principal "+p) <= w {
			out = append(out, st.OK.Render("+ principal ")+p)
			continue
		}
		// The ARN whole on a line of its own rather than broken at a hyphen.
		out = append(out, st.OK.Render("+ principal"), "  "+p)
	}
	out = append(out, policyDiff(st, w, ch.Diff))
	return strings.Join(out, "\n")
}

// policyDiff draws a diff unified, or side by side when width allows.
// Unchanged policies say so rather than show nothing.
func policyDiff(st Styles, width int, d policydoc.Diff) string {
	if d.Empty() {
		return st.Muted.Render("(the policy did not change)")
	}
	if width >= sideBySideMin {
		return sideBySide(st, width, d)
	}
	return unified(st, width, d)
}

func unified(st Styles, width int, d policydoc.Diff) string {
	out := []string{st.DiffDel.Render("- before") + "  " + st.DiffAdd.Render("+ after")}
	for _, h := range d.Hunks {
		out = append(out, st.DiffHunk.Render(ansi.Truncate(hunkTitle(h), max(width, 1), "…")))
		texts, gap := fitHunk(h, width)
		for i, l := range h.Lines {
			switch l.Op {
			case policydoc.DiffInsert:
				out = append(out, diffRows(st.DiffAdd, "+"+gap, texts[i], width)...)
			case policydoc.DiffDelete:
				out = append(out, diffRows(st.DiffDel, "-"+gap, texts[i], width)...)
			case policydoc.DiffSame:
				out = append(out, diffRows(st.DiffCtx, " "+gap, texts[i], width)...)
			}
		}
	}
	return strings.Join(out, "\n")
}

// hunkTitle names what a hunk changes: the statement, which a reader knows
// by its Sid, rather than a unified diff's line numbers.
func hunkTitle(h policydoc.DiffHunk) string {
	if h.Statement != "" {
		return "in statement \"" + h.Statement + "\""
	}
	return "at line " + itoa(h.ToLine)
}

// fitHunk shortens a hunk's indentation until its changed lines fit width
// whole, since the lab promises one added line and a wrapped ARN reads as
// two: first the indentation all lines share goes, then each level counts
// one space instead of two, then the space after the sign. gap is what goes
// after the sign; a line that still does not fit is wrapped by diffRows.
func fitHunk(h policydoc.DiffHunk, width int) (texts []string, gap string) {
	texts = make([]string, len(h.Lines))
	common := -1
	for i, l := range h.Lines {
		texts[i] = l.Text
		if strings.TrimSpace(l.Text) != "" {
			if n := leadingSpaces(l.Text); common < 0 || n < common {
				common = n
			}
		}
	}
	fits := func(avail int) bool {
		for i, l := range h.Lines {
			if l.Op != policydoc.DiffSame && ansi.StringWidth(texts[i]) > avail {
				return false
			}
		}
		return true
	}
	if fits(width - 2) {
		return texts, " "
	}
	for i, t := range texts {
		texts[i] = t[min(max(common, 0), leadingSpaces(t)):]
	}
	if fits(width - 2) {
		return texts, " "
	}
	for i, t := range texts {
		n := leadingSpaces(t)
		texts[i] = strings.Repeat(" ", n/2) + t[n:]
	}
	if fits(width - 2) {
		return texts, " "
	}
	if fits(width - 1) {
		return texts, ""
	}
	// Wrapped anyway: the document's own indentation reads best.
	for i, l := range h.Lines {
		texts[i] = l.Text
	}
	return texts, " "
}

func leadingSpaces(s string) int { return len(s) - len(strings.TrimLeft(s, " ")) }

// diffRows styles one diff line padded to width so the add/delete background
// forms a band. A line too long even after fitHunk is wrapped, each row
// repeating the sign, so nothing is cut off.
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

// sideBySide pairs deletions with insertions row by row, as review tools do.
func sideBySide(st Styles, width int, d policydoc.Diff) string {
	col := (width - 3) / 2
	var left, right []string
	left = append(left, st.DiffHeader.Render(padRight("before", col)))
	right = append(right, st.DiffHeader.Render(padRight("after", col)))
	blank := padRight("", col)
	for _, h := range d.Hunks {
		left = append(left, st.DiffHunk.Render(padRight(hunkTitle(h), col)))
		right = append(right, blank)
		texts, gap := fitHunk(h, col)
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
				l = append(l, diffRows(st.DiffDel, "-"+gap, d, col)...)
			}
			for _, a := range ins {
				r = append(r, diffRows(st.DiffAdd, "+"+gap, a, col)...)
			}
			pair(l, r)
			dels, ins = nil, nil
		}
		for i, l := range h.Lines {
			switch l.Op {
			case policydoc.DiffDelete:
				dels = append(dels, texts[i])
			case policydoc.DiffInsert:
				ins = append(ins, texts[i])
			case policydoc.DiffSame:
				flush()
				pair(diffRows(st.DiffCtx, " "+gap, texts[i], col), diffRows(st.DiffCtx, " "+gap, texts[i], col))
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

// items says "1 item" or "2 items".
func items(n int) string {
	if n == 1 {
		return "1 item"
	}
	return itoa(n) + " items"
}
