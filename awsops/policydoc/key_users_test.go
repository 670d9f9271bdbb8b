package policydoc

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

const (
	adminARN = "arn:aws:iam::111122223333:user/lab-admin"
	userARN  = "arn:aws:iam::111122223333:user/kmslab-user-abc"
)

// statements decodes a policy's statements by Sid, for comparing meaning
// rather than text.
func statements(t *testing.T, policy string) map[string]map[string]any {
	t.Helper()
	var doc struct {
		Statement json.RawMessage
	}
	if err := json.Unmarshal([]byte(policy), &doc); err != nil {
		t.Fatalf("policy is not JSON: %v\n%s", err, policy)
	}
	var list []map[string]any
	if err := json.Unmarshal(doc.Statement, &list); err != nil {
		var one map[string]any
		if err := json.Unmarshal(doc.Statement, &one); err != nil {
			t.Fatalf("Statement is neither a list nor an object: %s", doc.Statement)
		}
		list = []map[string]any{one}
	}
	out := map[string]map[string]any{}
	for _, s := range list {
		sid, _ := s["Sid"].(string)
		out[sid] = s
	}
	return out
}

func TestConsolePolicy(t *testing.T) {
	p := consolePolicy("aws", "111122223333", adminARN)
	st := statements(t, p)
	for _, sid := range []string{sidRoot, sidAdmins, sidUse, sidAttach} {
		if st[sid] == nil {
			t.Fatalf("statement %q missing:\n%s", sid, p)
		}
	}
	if got := st[sidRoot]["Principal"].(map[string]any)["AWS"]; got != "arn:aws:iam::111122223333:root" {
		t.Errorf("root principal = %v", got)
	}
	for _, sid := range []string{sidAdmins, sidUse, sidAttach} {
		got := st[sid]["Principal"].(map[string]any)["AWS"]
		if !reflect.DeepEqual(got, []any{adminARN}) {
			t.Errorf("%s principal = %v, want [%s]", sid, got, adminARN)
		}
	}
	if !strings.Contains(p, `"kms:GrantIsForAWSResource": "true"`) {
		t.Errorf("attachment statement lacks its condition:\n%s", p)
	}
}

func TestAddKeyUser(t *testing.T) {
	console := consolePolicy("aws", "111122223333", adminARN)
	tests := []struct {
		name      string
		policy    string
		wantAdded bool
		wantAWS   any // Principal.AWS of "Allow use of the key" afterwards
	}{
		{"console policy", console, true, []any{userARN, adminARN}},
		{"already there", consolePolicy("aws", "111122223333", userARN), false, []any{userARN}},
		{"single string principal", `{"Version":"2012-10-17","Statement":[{"Sid":"Allow use of the key","Effect":"Allow","Principal":{"AWS":"` + adminARN + `"},"Action":"kms:Decrypt","Resource":"*"}]}`,
			true, []any{userARN, adminARN}},
		{"statement absent", `{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}`,
			true, []any{userARN}},
		{"single statement object", `{"Statement":{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}}`,
			true, []any{userARN}},
		{"wildcard principal", `{"Statement":[{"Sid":"Allow use of the key","Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"}]}`,
			false, nil},
		{"statement without AWS principal", `{"Statement":[{"Sid":"Allow use of the key","Effect":"Allow","Principal":{"Service":"dynamodb.amazonaws.com"},"Action":"kms:*","Resource":"*"}]}`,
			true, []any{userARN}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, added, err := AddKeyUser(tt.policy, userARN)
			if err != nil {
				t.Fatal(err)
			}
			if added != tt.wantAdded {
				t.Fatalf("added = %v, want %v\n%s", added, tt.wantAdded, out)
			}
			before, after := statements(t, tt.policy), statements(t, out)
			// Every other statement is kept exactly.
			for sid, s := range before {
				if sid == sidUse {
					continue
				}
				if !reflect.DeepEqual(after[sid], s) {
					t.Errorf("statement %q changed:\nbefore %v\nafter  %v", sid, s, after[sid])
				}
			}
			if len(after) != len(before) && !(tt.wantAdded && before[sidUse] == nil && len(after) == len(before)+1) {
				t.Errorf("statement count %d -> %d", len(before), len(after))
			}
			if tt.wantAWS != nil {
				got := after[sidUse]["Principal"].(map[string]any)["AWS"]
				if !reflect.DeepEqual(got, tt.wantAWS) {
					t.Errorf("Principal.AWS = %v, want %v", got, tt.wantAWS)
				}
			}
			// Twice = once.
			out2, added2, err := AddKeyUser(out, userARN)
			if err != nil || added2 || out2 != PrettyJSON(out) {
				t.Fatalf("second add: added=%v err=%v changed=%v", added2, err, out2 != PrettyJSON(out))
			}
		})
	}
}

func TestAddKeyUserKeepsOrderAndText(t *testing.T) {
	// Key order and HTML-ish characters survive the edit untouched.
	in := `{"Version":"2012-10-17","Id":"custom","Statement":[{"Sid":"Keep <me> & order","Resource":"*","Effect":"Deny","Principal":{"AWS":"*"},"Action":"kms:ScheduleKeyDeletion","Condition":{"StringNotEquals":{"aws:PrincipalArn":"` + adminARN + `"}}}]}`
	out, added, err := AddKeyUser(in, userARN)
	if err != nil || !added {
		t.Fatalf("added=%v err=%v", added, err)
	}
	if !strings.HasPrefix(out, PrettyJSON(in)[:strings.Index(PrettyJSON(in), "\n  ]")]) {
		t.Fatalf("the existing statement was reformatted:\n%s\nvs\n%s", out, PrettyJSON(in))
	}
	if !strings.Contains(out, "Keep <me> & order") {
		t.Fatalf("escaped characters: %s", out)
	}
}

func TestAddKeyUserErrors(t *testing.T) {
	for _, in := range []string{
		``, `[]`, `{"Version":"2012-10-17"}`, `{"Statement":"x"}`, `{"Statement":[1]}`,
		`{"Statement":[{"Sid":"Allow use of the key","Effect":"Allow","Principal":{"AWS":5}}]}`,
		`{"Statement":[{"Sid":"Allow use of the key","Effect":"Allow","Principal":"someone"}]}`,
		`{"Statement":[]} trailing`,
	} {
		if _, _, err := AddKeyUser(in, userARN); err == nil {
			t.Errorf("AddKeyUser(%q) succeeded", in)
		}
	}
}

func TestPolicyDiffShowsOnlyTheAddedPrincipal(t *testing.T) {
	before := PrettyJSON(consolePolicy("aws", "111122223333", adminARN))
	after, added, err := AddKeyUser(before, userARN)
	if err != nil || !added {
		t.Fatal(added, err)
	}
	d := DiffPolicies(before, after)
	var plus, minus []string
	for _, h := range d.Hunks {
		if h.Statement != sidUse {
			t.Errorf("hunk in statement %q, want %q", h.Statement, sidUse)
		}
		for _, l := range h.Lines {
			switch l.Op {
			case DiffInsert:
				plus = append(plus, l.Text)
			case DiffDelete:
				minus = append(minus, l.Text)
			}
		}
	}
	if len(minus) != 0 || len(plus) != 1 || strings.TrimSpace(plus[0]) != `"`+userARN+`",` {
		t.Fatalf("diff is not exactly one added principal:\n%s", d.Unified())
	}
	// The context reaches up to the statement's Sid.
	if len(d.Hunks) != 1 || !strings.Contains(d.Hunks[0].Lines[0].Text, `"Sid": "`+sidUse+`"`) {
		t.Errorf("the hunk does not open at the statement's Sid:\n%s", d.Unified())
	}
	if !strings.Contains(d.Unified(), "\n+"+plus[0]+"\n") {
		t.Errorf("unified text lacks the added line:\n%s", d.Unified())
	}
	// The hunks are a true diff: applied to before, they give after.
	if got, err := applyDiff(PrettyJSON(before), d); err != nil || got != ensureNewline(PrettyJSON(after)) {
		t.Errorf("applying the unified diff: %v\n%s", err, got)
	}
	if !DiffPolicies(before, before).Empty() || DiffPolicies(before, before).Unified() != "" {
		t.Fatal("diff of equal policies is not empty")
	}
}

// applyDiff applies d's hunks to before, checking every context and deleted
// line against it.
func applyDiff(before string, d Diff) (string, error) {
	b := strings.Split(strings.TrimSuffix(ensureNewline(before), "\n"), "\n")
	var out []string
	i := 0
	for _, h := range d.Hunks {
		if h.FromLine-1 < i || h.FromLine-1 > len(b) {
			return "", fmt.Errorf("hunk at line %d overlaps or overruns", h.FromLine)
		}
		out = append(out, b[i:h.FromLine-1]...)
		i = h.FromLine - 1
		for _, l := range h.Lines {
			if l.Op != DiffInsert {
				if i >= len(b) || b[i] != l.Text {
					return "", fmt.Errorf("line %d is not %q", i+1, l.Text)
				}
				i++
			}
			if l.Op != DiffDelete {
				out = append(out, l.Text)
			}
		}
	}
	out = append(out, b[i:]...)
	return strings.Join(out, "\n") + "\n", nil
}

func TestStatementSids(t *testing.T) {
	pretty := PrettyJSON(consolePolicy("aws", "111122223333", adminARN))
	sids, at := statementSids(pretty)
	lines := strings.Split(pretty, "\n")
	if len(sids) != len(lines) {
		t.Fatalf("%d sids for %d lines", len(sids), len(lines))
	}
	for i, l := range lines {
		want := ""
		switch {
		case strings.Contains(l, "kms:Create*"):
			want = sidAdmins
		case strings.Contains(l, "kms:GenerateDataKey*"):
			want = sidUse
		case strings.Contains(l, "kms:GrantIsForAWSResource"):
			want = sidAttach
		case strings.Contains(l, `"Version"`), strings.Contains(l, `"Statement"`):
			want = ""
		default:
			continue
		}
		if sids[i] != want {
			t.Errorf("line %d %q: sid %q, want %q", i, l, sids[i], want)
		}
		if want != "" && (at[i] < 0 || !strings.Contains(lines[at[i]], `"Sid": "`+want+`"`)) {
			t.Errorf("line %d %q: Sid line %d", i, l, at[i])
		}
	}
}

func FuzzAddKeyUser(f *testing.F) {
	f.Add(consolePolicy("aws", "111122223333", adminARN))
	f.Add(`{"Statement":{"Sid":"Allow use of the key","Effect":"Allow","Principal":{"AWS":"x"}}}`)
	f.Add(`{"Statement":[{"Sid":"Allow use of the key","Effect":"Allow","Principal":"*"}]}`)
	f.Add(`{"Statement":[]}`)
	f.Fuzz(func(t *testing.T, policy string) {
		out, added, err := AddKeyUser(policy, userARN)
		if err != nil {
			return
		}
		if !json.Valid([]byte(out)) {
			t.Fatalf("output is not JSON: %q", out)
		}
		if added && !strings.Contains(out, userARN) {
			t.Fatalf("added but absent: %q", out)
		}
		out2, added2, err := AddKeyUser(out, userARN)
		if err != nil || added2 || out2 != PrettyJSON(out) {
			t.Fatalf("not idempotent: err=%v added=%v\n%s\n%s", err, added2, out, out2)
		}
	})
}

// FuzzDiffPolicies: whatever two documents AWS returns, the diff neither
// panics nor reports a change between equal documents, its hunks turn before
// into after, and its lines are single lines.
func FuzzDiffPolicies(f *testing.F) {
	base := consolePolicy("aws", "111122223333", adminARN)
	grown, _, _ := AddKeyUser(base, userARN)
	f.Add(base, grown)
	f.Add(`{"Statement":{"Sid":"x","Effect":"Allow"}}`, `{"Statement":{"Sid":"y","Effect":"Deny"}}`)
	f.Add("a\nb\n", "a\nc")
	f.Fuzz(func(t *testing.T, before, after string) {
		d := DiffPolicies(before, after)
		if ensureNewline(PrettyJSON(before)) == ensureNewline(PrettyJSON(after)) && !d.Empty() {
			t.Fatalf("equal documents, %d hunks", len(d.Hunks))
		}
		if got, err := applyDiff(PrettyJSON(before), d); !d.Empty() && (err != nil || got != ensureNewline(PrettyJSON(after))) {
			t.Fatalf("the hunks do not turn before into after: %v\n%s", err, got)
		}
		for _, h := range d.Hunks {
			for _, l := range h.Lines {
				if strings.Contains(l.Text, "\n") {
					t.Fatalf("diff line with a newline: %q", l.Text)
				}
			}
		}
	})
}
