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
	before, after = ensureNL(before), ensureNL(after)
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
				out = append(out, diffLine(st.DiffAdd, "+ ", text, width))
			case udiff.Delete:
				out = append(out, diffLine(st.DiffDel, "- ", text, width))
			default:
				out = append(out, diffLine(st.DiffCtx, "  ", text, width))
			}
		}
	}
	return strings.Join(out, "\n")
}

// diffLine styles one line padded to width so the add/delete background forms
// a band, truncating rather than wrapping to keep the +/- gutter honest.
func diffLine(style lipgloss.Style, sign, text string, width int) string {
	s := ansi.Truncate(sign+text, width, "…")
	return style.Render(padRight(s, width))
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
		flush := func() {
			n := max(len(dels), len(ins))
			for i := range n {
				if i < len(dels) {
					left = append(left, diffLine(st.DiffDel, "- ", dels[i], col))
				} else {
					left = append(left, blank)
				}
				if i < len(ins) {
					right = append(right, diffLine(st.DiffAdd, "+ ", ins[i], col))
				} else {
					right = append(right, blank)
				}
			}
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
				left = append(left, diffLine(st.DiffCtx, "  ", text, col))
				right = append(right, diffLine(st.DiffCtx, "  ", text, col))
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
