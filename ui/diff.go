package ui

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/aymanbagabas/go-udiff"
	"github.com/charmbracelet/x/ansi"
)

// sideBySideMin is the pane width from which the policy diff is shown as two
// columns (before | after) instead of one unified column.
const sideBySideMin = 130

// diffContext is how many unchanged lines surround each change.
const diffContext = 3

// policyDiff renders the change from before to after: unified, or side by
// side when width allows. Unchanged policies say so rather than show nothing.
func policyDiff(st Styles, width int, before, after string) string {
	before, after = ensureNL(sanitize(before)), ensureNL(sanitize(after))
	if before == after {
		return st.Muted.Render("(the policy did not change)")
	}
	edits := udiff.Lines(before, after)
	u, err := udiff.ToUnifiedDiff("before", "after", before, edits, diffContext)
	if err != nil || len(u.Hunks) == 0 {
		return st.Muted.Render("(the policy did not change)")
	}
	if width >= sideBySideMin {
		return sideBySide(st, width, u)
	}
	return unified(st, width, u)
}

func ensureNL(s string) string {
	if s != "" && !strings.HasSuffix(s, "\n") {
		return s + "\n"
	}
	return s
}

func unified(st Styles, width int, u udiff.UnifiedDiff) string {
	var out []string
	out = append(out, st.DiffDel.Render("--- key policy before"), st.DiffAdd.Render("+++ key policy after"))
	for _, h := range u.Hunks {
		out = append(out, st.DiffHunk.Render(hunkHeader(h)))
		for _, l := range h.Lines {
			text := strings.TrimSuffix(l.Content, "\n")
			switch l.Kind {
			case udiff.Insert:
				out = append(out, diffRows(st.DiffAdd, "+ ", text, width)...)
			case udiff.Delete:
				out = append(out, diffRows(st.DiffDel, "- ", text, width)...)
			default:
				out = append(out, diffRows(st.DiffCtx, "  ", text, width)...)
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

func hunkHeader(h *udiff.Hunk) string {
	var del, ins int
	for _, l := range h.Lines {
		switch l.Kind {
		case udiff.Delete:
			del++
		case udiff.Insert:
			ins++
		default:
			del++
			ins++
		}
	}
	return "@@ -" + itoa(h.FromLine) + "," + itoa(del) + " +" + itoa(h.ToLine) + "," + itoa(ins) + " @@"
}

// sideBySide pairs deletions with insertions row by row, as review tools do.
func sideBySide(st Styles, width int, u udiff.UnifiedDiff) string {
	col := (width - 3) / 2
	var left, right []string
	left = append(left, st.DiffHeader.Render(padRight("before", col)))
	right = append(right, st.DiffHeader.Render(padRight("after", col)))
	blank := padRight("", col)
	for _, h := range u.Hunks {
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
			text := strings.TrimSuffix(l.Content, "\n")
			switch l.Kind {
			case udiff.Delete:
				dels = append(dels, text)
			case udiff.Insert:
				ins = append(ins, text)
			default:
				flush()
				pair(diffRows(st.DiffCtx, "  ", text, col), diffRows(st.DiffCtx, "  ", text, col))
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
