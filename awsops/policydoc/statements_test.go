package policydoc

import "testing"

func TestSidAt(t *testing.T) {
	policy := PrettyJSON(consolePolicy("aws", "111122223333", adminARN))
	ranges := statementRanges(policy)
	if len(ranges) != 4 {
		t.Fatalf("%d statements found, want 4", len(ranges))
	}
	// Point at each statement's opening brace, as the simulator does.
	for _, r := range ranges {
		open := r.start
		for policy[open] != '{' {
			open++
		}
		line, col := 1, 1
		for _, c := range policy[:open] {
			if c == '\n' {
				line, col = line+1, 1
			} else {
				col++
			}
		}
		got := SidAt(policy, line, col)
		if got != r.sid {
			t.Errorf("SidAt(%d:%d) = %q, want %q", line, col, got, r.sid)
		}
	}
	if SidAt("not json", 1, 1) != "" {
		t.Error("SidAt found a statement where there is none")
	}
}

func FuzzSidAt(f *testing.F) {
	f.Add(consolePolicy("aws", "1", adminARN), int32(5), int32(5))
	f.Add(`{"Statement":{"Sid":"a"}}`, int32(1), int32(14))
	f.Add(`{"Statement":[{"Sid":"a"},{"Sid":"b"}]}`, int32(1), int32(26))
	f.Fuzz(func(t *testing.T, policy string, line, col int32) {
		for _, r := range statementRanges(policy) {
			if r.start < 0 || r.end > len(policy) || r.start > r.end {
				t.Fatalf("range %+v out of a %d-byte policy", r, len(policy))
			}
		}
		_ = SidAt(policy, int(line), int(col))
	})
}
