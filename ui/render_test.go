package ui

import (
	"strings"
	"testing"

	"kmslab/awsops"
	"kmslab/awsops/policydoc"
	"kmslab/steps"

	"github.com/charmbracelet/x/ansi"
)

func TestHighlightJSON(t *testing.T) {
	st := DefaultStyles(true, false)
	cases := []struct {
		in       string
		keyStyle []string // substrings that must be styled as keys
	}{
		{`{"a": 1}`, []string{`"a"`}},
		{`{"Sid" : "x", "n": -1.5e3, "b": true, "z": null}`, []string{`"Sid"`, `"n"`, `"b"`, `"z"`}},
		{`["not", "keys"]`, nil},
		{`{"unterminated`, nil},
	}
	for _, tc := range cases {
		out := highlightJSON(st, tc.in)
		if got := ansi.Strip(out); got != tc.in {
			t.Errorf("%q: stripped output %q", tc.in, got)
		}
		for _, k := range tc.keyStyle {
			if !strings.Contains(out, st.JSONKey.Render(k)) {
				t.Errorf("%q: key %s not styled as a key", tc.in, k)
			}
		}
	}
	if got := highlightJSON(DefaultStyles(true, true), `{"a":1}`); got != `{"a":1}` {
		t.Errorf("no-color output styled: %q", got)
	}
}

// FuzzHighlightJSON: coloring never changes the text, whatever AWS sends.
func FuzzHighlightJSON(f *testing.F) {
	f.Add(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*"}]}`)
	f.Add(`{"a":"\"esc\\aped\"", "n": 12.5e-3}`)
	f.Add("\"\\")
	f.Add("tru\x1b[31mfalse")
	st := DefaultStyles(true, false)
	f.Fuzz(func(t *testing.T, s string) {
		out := highlightJSON(st, s)
		if sanitize(s) != s {
			return // raw control bytes are sanitized before highlighting, never drawn
		}
		if got := ansi.Strip(out); got != s {
			t.Fatalf("stripped %q, want %q", got, s)
		}
	})
}

func TestPolicyDiff(t *testing.T) {
	st := DefaultStyles(true, true)
	for _, w := range []int{40, 80, 129, 130, 200} {
		out := ansi.Strip(policyDiff(st, w, policydoc.DiffPolicies(fxPolicyBefore, fxPolicyAfter)))
		// Side by side, additions are in the right column: look at each column.
		cols := out
		if strings.Contains(out, " │ ") {
			cols = strings.ReplaceAll(out, " │ ", "\n")
		}
		// At narrow widths the ARN wraps at its ':'; the user part stays whole.
		if !containsLine(cols, "+", "user/kmslab-user-demo01") {
			t.Errorf("width %d: no added line with the user ARN:\n%s", w, out)
		}
		if !containsLine(cols, "-", `user/lab-admin"`) {
			t.Errorf("width %d: no removed line:\n%s", w, out)
		}
		for _, l := range strings.Split(out, "\n") {
			if ansi.StringWidth(l) > w {
				t.Errorf("width %d: line too wide (%d): %q", w, ansi.StringWidth(l), l)
			}
		}
		side := strings.Contains(out, " │ ")
		if side != (w >= sideBySideMin) {
			t.Errorf("width %d: side by side = %v", w, side)
		}
	}
	if out := ansi.Strip(policyDiff(st, 80, policydoc.DiffPolicies("{}", "{}"))); !strings.Contains(out, "did not change") {
		t.Errorf("unchanged policy: %q", out)
	}
}

// FuzzPolicyDiff: any pair of documents renders within the width.
func FuzzPolicyDiff(f *testing.F) {
	f.Add(fxPolicyBefore, fxPolicyAfter, 80)
	f.Add("a\nb\n", "a\nc", 140)
	f.Add("", "x", 1)
	st := DefaultStyles(false, false)
	f.Fuzz(func(t *testing.T, before, after string, w int) {
		if w < 1 || w > 400 {
			return
		}
		out := policyDiff(st, w, policydoc.DiffPolicies(sanitize(before), sanitize(after)))
		for _, l := range strings.Split(out, "\n") {
			if lw := ansi.StringWidth(l); lw > max(w, 30) {
				t.Fatalf("width %d: line of %d", w, lw)
			}
		}
	})
}

func TestHexDump(t *testing.T) {
	b := make([]byte, 100)
	copy(b, "ab\x00\xff~ ")
	out := hexDump(b, 47, 64)
	lines := strings.Split(out, "\n")
	if !strings.HasPrefix(lines[len(lines)-1], "… 36 more bytes") {
		t.Errorf("last line %q", lines[len(lines)-1])
	}
	// 47 columns hold 8 bytes a row: 23 of hex, the gap, 8 of text.
	if want := "61 62 00 ff 7e 20 00 00  ab..~ .."; lines[0] != want {
		t.Errorf("first row %q, want %q", lines[0], want)
	}
	for _, l := range lines[:len(lines)-1] {
		if len(l) > 47 {
			t.Errorf("line too wide: %q", l)
		}
	}
	// A short last row keeps its text column aligned with the rows above.
	short := strings.Split(hexDump([]byte("abcdefghij"), 47, 64), "\n")
	if len(short) != 2 || len(short[1]) != len("61 62 00 ff 7e 20 00 00  ")+2 {
		t.Errorf("short row misaligned: %q", short)
	}
	if hexDump(nil, 10, 10) != "" {
		t.Error("empty input")
	}
}

func TestAuditStory(t *testing.T) {
	st := DefaultStyles(true, true)
	user := "arn:aws:iam::111122223333:user/kmslab-user-demo01"
	deny := AuditEvent{Service: "kms", Operation: "Decrypt", Caller: user, InvokedBy: "dynamodb.amazonaws.com", Decision: "Deny"}
	allow := deny
	allow.Decision = ""
	cases := []struct {
		name   string
		events []AuditEvent
		want   []string
		not    []string
	}{
		{"none denied", []AuditEvent{allow}, nil, []string{"refused"}},
		{"denied via DynamoDB", []AuditEvent{deny},
			[]string{"DynamoDB called KMS Decrypt as kmslab-user-demo01", "KMS refused"}, []string{"Later"}},
		{"denied then allowed", []AuditEvent{deny, allow}, []string{"KMS refused", "Later, the same call as kmslab-user-demo01 was allowed"}, nil},
		{"direct call", []AuditEvent{{Service: "kms", Operation: "Decrypt", Caller: user, ErrorCode: "AccessDeniedException"}},
			[]string{"kmslab-user-demo01 called KMS Decrypt, and KMS refused"}, []string{"DynamoDB"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := strings.Join(strings.Fields(auditStory(st, 200, tc.events)), " ")
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("%q lacks %q", got, w)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(got, w) {
					t.Errorf("%q has %q", got, w)
				}
			}
		})
	}
}

func TestSanitize(t *testing.T) {
	cases := map[string]string{
		"plain ARN arn:aws:kms:us-east-1:1:key/x": "plain ARN arn:aws:kms:us-east-1:1:key/x",
		"two\nlines":               "two\nlines",
		"bell\a and \x1b[2J clear": "bell\uFFFD and \uFFFD[2J clear",
		"tab\there":                "tab here",
		"bad \xff utf8":            "bad \uFFFD utf8",
		"c1 \u009b csi":            "c1 \uFFFD csi",
	}
	for in, want := range cases {
		if got := sanitize(in); got != want {
			t.Errorf("sanitize(%q) = %q, want %q", in, got, want)
		}
	}
}

// An item value written by anyone with table access must not reach the
// terminal as an escape sequence.
func TestOutcomeSanitized(t *testing.T) {
	m := newFixtureModel(Offline, 100, 30, nil)
	m, _ = press(t, m, "enter")
	m, _ = m.startStep(0)
	evil := steps.Outcome{Status: steps.Done, Summary: "ok\x1b]52;c;ZXZpbA==\a",
		Result: steps.ItemsRead{Items: []awsops.Item{{{Name: "id", Type: "S", Value: "\x1b[2Jgotcha"}}}}}
	nm, _ := m.Update(jobDoneMsg{run: m.steps[0].run, result: stepDoneMsg{index: 0, outcome: evil}})
	m = nm.(Model)
	if c := m.part.content(); strings.Contains(c, "\x1b[2J") || strings.Contains(c, "\x1b]52") {
		t.Fatalf("escape sequence from AWS data reached the screen: %q", c)
	}
}

// TestSidebarTitlesFit: every real step's short title fits the narrowest
// sidebar whole, part number included.
func TestSidebarTitlesFit(t *testing.T) {
	avail := sidebarWidth(80) - 2 - 4 // air and rule; marker, icon and space
	for _, s := range steps.All() {
		label := s.ShortTitle()
		if s.Kind == steps.KindPart {
			label = itoa(s.Part) + ". " + label
		}
		if w := ansi.StringWidth(label); w > avail {
			t.Errorf("step %q: sidebar label %q is %d wide, sidebar fits %d", s.ID, label, w, avail)
		}
	}
}

func TestDropTitle(t *testing.T) {
	cases := map[string]string{
		"# Title\n\nBody.":    "Body.",
		"## Section\n\nBody.": "## Section\n\nBody.",
		"Body only.":          "Body only.",
		"# Title only":        "",
	}
	for in, want := range cases {
		if got := dropTitle(in); got != want {
			t.Errorf("dropTitle(%q) = %q, want %q", in, got, want)
		}
	}
}
