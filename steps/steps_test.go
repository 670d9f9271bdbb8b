package steps

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"

	"kmslab/awsops"
	"kmslab/awsops/ledger"
)

var placeholder = regexp.MustCompile(`<[a-z][a-z-]*>`)

func TestAllShape(t *testing.T) {
	all := All()
	if len(all) != 7 {
		t.Fatalf("%d steps, want 7", len(all))
	}
	seen := map[string]bool{}
	n := ledger.NewNames("abc123")
	id := awsops.Identity{Account: "111122223333", ARN: "arn:aws:iam::111122223333:user/lab-admin", Region: "eu-west-1"}
	for i, s := range all {
		if s.Part != i+1 {
			t.Errorf("step %d has part %d", i, s.Part)
		}
		if s.ID == "" || seen[s.ID] {
			t.Errorf("step %d: empty or duplicate id %q", i, s.ID)
		}
		seen[s.ID] = true
		if s.Title == "" || !strings.HasPrefix(s.Explain, "# ") || len(s.Explain) < 200 {
			t.Errorf("step %s: title %q, explanation of %d bytes", s.ID, s.Title, len(s.Explain))
		}
		if s.Run == nil || s.CLI == nil {
			t.Fatalf("step %s lacks Run or CLI", s.ID)
		}
		cli := strings.Join(s.CLI(n, id), "\n")
		if !strings.Contains(cli, "aws ") {
			t.Errorf("step %s: no AWS CLI command: %q", s.ID, cli)
		}
		if strings.Contains(cli, "kmslab-") && !strings.Contains(cli, "abc123") {
			t.Errorf("step %s: CLI names resources of another run: %q", s.ID, cli)
		}
		// Before the identity is known the commands still render, with shell
		// variables where the account goes.
		for _, line := range s.CLI(n, awsops.Identity{}) {
			if strings.Contains(line, "arn::") || strings.Contains(line, "iam:::") {
				t.Errorf("step %s: broken ARN without identity: %q", s.ID, line)
			}
		}
		if short := s.ShortTitle(); len(short) > 13 {
			t.Errorf("step %s: short title %q does not fit the sidebar (16 cells at 80 columns, less the part number)", s.ID, short)
		}
		if (i == len(all)-1) != s.IsCleanup() {
			t.Errorf("step %s: cleanup %v, want cleanup last and only last", s.ID, s.IsCleanup())
		}
		// Nothing to fill in by hand: a placeholder like <key-id> breaks bash
		// (TestCopiedCommandsRunAsPasted in cli runs them all).
		for _, who := range []awsops.Identity{id, {}} {
			for _, line := range s.CLI(n, who) {
				if m := placeholder.FindString(line); m != "" {
					t.Errorf("step %s: placeholder %s in %q", s.ID, m, line)
				}
			}
		}
		if got, ok := ByID(s.ID); !ok || got.Part != s.Part {
			t.Errorf("ByID(%q) = %v, %v", s.ID, got.Part, ok)
		}
	}
	if n := PartCount(all); n != 6 {
		t.Errorf("PartCount = %d, want 6", n)
	}
	if _, ok := ByID("nope"); ok {
		t.Error("ByID found a step that does not exist")
	}
}

func TestRunWithoutLabFails(t *testing.T) {
	for _, s := range All() {
		out := s.Run(context.Background(), nil)
		if out.Status != Failed || out.Err == nil {
			t.Errorf("step %s with no lab: %v, %v", s.ID, out.Status, out.Err)
		}
	}
}

func TestStatus(t *testing.T) {
	for s, want := range map[Status]string{Pending: "pending", Running: "running", Done: "done", DeniedAsExpected: "denied as expected", Failed: "failed", Status(99): "unknown"} {
		if s.String() != want {
			t.Errorf("%d.String() = %q, want %q", int(s), s.String(), want)
		}
	}
	if !Done.Succeeded() || !DeniedAsExpected.Succeeded() || Failed.Succeeded() || Pending.Succeeded() {
		t.Error("Succeeded is wrong")
	}
}

func TestCount(t *testing.T) {
	for _, tt := range []struct {
		n    int
		want string
	}{{0, "0 items"}, {1, "1 item"}, {2, "2 items"}} {
		if got := count(tt.n, "item"); got != tt.want {
			t.Errorf("count(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

// TestCommandsOnceTheIdentityIsKnown checks that every step's commands, as
// shown once the identity is known, are those shown before it is known with
// the identity in place of the shell variables the setup lines fill in: one
// AWS CLI run of the latter (cli's TestCopiedCommandsRunAsPasted) then
// stands for both.
func TestCommandsOnceTheIdentityIsKnown(t *testing.T) {
	t.Parallel()
	names := ledger.NewNames("known1")
	// The aws partition: before the identity is known, parts 4 and cleanup
	// name the AWS managed policy in it whatever the account's partition.
	id := awsops.Identity{Account: "111122223333", ARN: "arn:aws:iam::111122223333:user/lab-admin", Region: "eu-west-1"}
	fill := strings.NewReplacer("${PARTITION}", "aws", "${ACCOUNT}", id.Account, "${ME}", id.ARN, "<<'EOF'", "<<EOF")
	setup := regexp.MustCompile(`^(read -r ACCOUNT ME <<< |PARTITION=\$\(cut )`)
	for _, st := range All() {
		var before []string
		for _, c := range st.CLI(names, awsops.Identity{}) {
			if !setup.MatchString(c) {
				before = append(before, fill.Replace(c))
			}
		}
		var after []string
		for _, c := range st.CLI(names, id) {
			after = append(after, strings.ReplaceAll(c, "<<'EOF'", "<<EOF"))
		}
		if !slices.Equal(before, after) {
			t.Errorf("%s: the commands shown once the identity is known differ from those shown before:\nbefore: %q\nafter:  %q", st.ID, before, after)
		}
	}
}
