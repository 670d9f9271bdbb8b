package policydoc

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/aymanbagabas/go-udiff"
)

// Diff is the line diff between two key policies, both pretty-printed
// the same way. It is computed once, here; the TUI and the plain report only
// draw it.
type Diff struct {
	Hunks []DiffHunk
}

// DiffHunk is one run of changed lines with its surrounding context.
type DiffHunk struct {
	FromLine, ToLine int // 1-based first line of the hunk in before and after
	// Statement is the Sid of the policy statement the change is in (empty
	// when the statement has none), so a reader sees which statement changed
	// without counting lines.
	Statement string
	Lines     []DiffLine
}

// DiffOp is what happened to a line.
type DiffOp int

// Diff line operations.
const (
	DiffSame DiffOp = iota
	DiffDelete
	DiffInsert
)

// DiffLine is one line of a hunk, without its newline.
type DiffLine struct {
	Op   DiffOp
	Text string
}

// DiffContext is how many unchanged lines surround each change.
const DiffContext = 3

// DiffPolicies diffs two key policies after pretty-printing both (text that
// is not JSON is diffed as it is). Equal policies give an empty diff.
func DiffPolicies(before, after string) Diff {
	before, after = ensureNewline(PrettyJSON(before)), ensureNewline(PrettyJSON(after))
	if before == after {
		return Diff{}
	}
	u, err := udiff.ToUnifiedDiff("before", "after", before, udiff.Lines(before, after), DiffContext)
	if err != nil {
		return Diff{}
	}
	fromSids, _ := statementSids(before)
	toSids, toSidLines := statementSids(after)
	afterLines := strings.Split(strings.TrimSuffix(after, "\n"), "\n")
	var d Diff
	prevEnd := 0 // the first line of after that no earlier hunk covers
	for _, h := range u.Hunks {
		dh := DiffHunk{FromLine: h.FromLine, ToLine: h.ToLine}
		from, to := h.FromLine-1, h.ToLine-1 // 0-based line indexes as the hunk advances
		sidLine := -1                        // where the changed statement's Sid is, in after
		for _, l := range h.Lines {
			op, at := DiffSame, to // at: the line of after this one is, or comes before
			switch l.Kind {
			case udiff.Delete:
				op = DiffDelete
				if dh.Statement == "" && from < len(fromSids) {
					dh.Statement = fromSids[from]
				}
				from++
			case udiff.Insert:
				op = DiffInsert
				if dh.Statement == "" && to < len(toSids) {
					dh.Statement = toSids[to]
				}
				to++
			default:
				from++
				to++
			}
			if op != DiffSame && sidLine < 0 && len(toSidLines) > 0 {
				sidLine = toSidLines[min(at, len(toSidLines)-1)]
			}
			dh.Lines = append(dh.Lines, DiffLine{Op: op, Text: strings.TrimSuffix(l.Content, "\n")})
		}
		// The context reaches up to the statement's Sid when it is a few
		// lines above: the reader sees which statement changed, in the
		// document itself. Lines between hunks are unchanged on both sides.
		if start := h.ToLine - 1; sidLine >= prevEnd && sidLine < start && start-sidLine <= sidReach {
			var lead []DiffLine
			for _, l := range afterLines[sidLine:start] {
				lead = append(lead, DiffLine{Op: DiffSame, Text: l})
			}
			dh.Lines = append(lead, dh.Lines...)
			dh.FromLine -= start - sidLine
			dh.ToLine -= start - sidLine
		}
		prevEnd = to
		d.Hunks = append(d.Hunks, dh)
	}
	return d
}

// sidReach is how many lines above a hunk its context grows to show the
// statement's Sid.
const sidReach = 4

// Empty reports whether nothing changed.
func (d Diff) Empty() bool { return len(d.Hunks) == 0 }

// Counts returns how many lines of before and of after a hunk covers, as a
// unified diff's "@@ -from,n +to,m @@" header gives them.
func (h DiffHunk) Counts() (from, to int) {
	for _, l := range h.Lines {
		switch l.Op {
		case DiffDelete:
			from++
		case DiffInsert:
			to++
		default:
			from++
			to++
		}
	}
	return from, to
}

// Unified is the diff as unified diff text, for tools and --json.
func (d Diff) Unified() string {
	if d.Empty() {
		return ""
	}
	var b strings.Builder
	b.WriteString("--- key policy (before)\n+++ key policy (after)\n")
	for _, h := range d.Hunks {
		from, to := h.Counts()
		b.WriteString("@@ -" + strconv.Itoa(h.FromLine) + "," + strconv.Itoa(from) +
			" +" + strconv.Itoa(h.ToLine) + "," + strconv.Itoa(to) + " @@")
		if h.Statement != "" {
			b.WriteString(" " + h.Statement)
		}
		b.WriteByte('\n')
		for _, l := range h.Lines {
			b.WriteString([]string{" ", "-", "+"}[l.Op] + l.Text + "\n")
		}
	}
	return b.String()
}

// MarshalJSON writes the diff as unified diff text: one string a reader of
// `run --json` can pipe to any diff viewer.
func (d Diff) MarshalJSON() ([]byte, error) { return json.Marshal(d.Unified()) }

// statementSids gives, for each line of a pretty-printed policy, the Sid of
// the statement the line belongs to ("" outside statements or without Sid)
// and the index of the line that holds that Sid (-1 when none). It follows
// bracket depth outside strings: the document is depth 1, the Statement list
// 2, each statement 3.
func statementSids(pretty string) ([]string, []int) {
	lines := strings.Split(strings.TrimSuffix(pretty, "\n"), "\n")
	out := make([]string, len(lines))
	at := make([]int, len(lines))
	for i := range at {
		at[i] = -1
	}
	depth, inStatements, start := 0, false, -1
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if depth == 1 && strings.HasPrefix(t, `"Statement"`) {
			inStatements = true
		}
		if inStatements && depth == 2 && strings.HasPrefix(t, "{") {
			start = i
		}
		depth += bracketDelta(t)
		if inStatements && depth < 2 {
			inStatements = false
		}
		if start >= 0 && depth == 2 { // the statement opened at start closed on line i
			sid, sidAt := "", -1
			for j, sl := range lines[start : i+1] {
				if v, ok := strings.CutPrefix(strings.TrimSpace(sl), `"Sid": `); ok {
					var s string
					if json.Unmarshal(bytes.TrimSuffix([]byte(v), []byte(",")), &s) == nil {
						sid, sidAt = s, start+j
					}
				}
			}
			for j := start; j <= i; j++ {
				out[j], at[j] = sid, sidAt
			}
			start = -1
		}
	}
	return out, at
}

// bracketDelta is the change in nesting depth a line makes, strings skipped.
func bracketDelta(l string) int {
	d, in := 0, false
	for i := 0; i < len(l); i++ {
		switch c := l[i]; {
		case in && c == '\\':
			i++
		case c == '"':
			in = !in
		case !in && (c == '{' || c == '['):
			d++
		case !in && (c == '}' || c == ']'):
			d--
		}
	}
	return d
}

// Change is an edit of the key policy, for the policy-diff view.
type Change struct {
	Before  string   `json:"before"`          // pretty-printed policy before the edit
	After   string   `json:"after"`           // pretty-printed policy after the edit (equal to Before when unchanged)
	Diff    Diff     `json:"diff,omitempty"`  // Before -> After; empty when unchanged
	Added   []string `json:"added,omitempty"` // principals the edit added
	Changed bool     `json:"changed"`
}

// policyDiffLabels is a unified diff with the given file labels.
func policyDiffLabels(from, to, before, after string) string {
	if before == after {
		return ""
	}
	if before != "" {
		before = ensureNewline(before)
	}
	return udiff.Unified(from, to, before, ensureNewline(after))
}

// NewDocDiff is a new document (label) as a unified diff against nothing.
func NewDocDiff(label, doc string) string {
	return policyDiffLabels(label+" (none)", label, "", PrettyJSON(doc))
}
