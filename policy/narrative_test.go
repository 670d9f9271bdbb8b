package policy

import (
	"strings"
	"testing"
)

// checkNarrative holds Narrate to the trace it tells: the decision phrase is
// the one for the engine's verdict, the sentence states it and no other, and
// no engine name reaches it.
func checkNarrative(t *testing.T, tr *Trace) {
	t.Helper()
	told := Narrate(tr)
	want := map[string]string{
		"Allowed": WordAllowed, "DisabledException": WordDisabled, "KMSInvalidStateException": WordKeyState,
	}[tr.Verdict()]
	if want == "" {
		want = WordImplicitDeny
		if tr.Decision == Deny {
			want = WordExplicitDeny
		}
	}
	if told.Decision != want || told.Allowed != (want == WordAllowed) {
		t.Errorf("Narrate says %q (allowed %v), the engine %s/%v", told.Decision, told.Allowed, tr.Verdict(), tr.Decision)
	}
	if !strings.Contains(told.Summary, " was "+want) {
		t.Errorf("summary %q does not state %q", told.Summary, want)
	}
	// The decision is said once: not "was allowed: allowed by…", nor
	// "refused because the key is disabled: the key is Disabled".
	if rest, ok := strings.CutPrefix(told.Summary[strings.Index(told.Summary, " was "+want)+len(" was "+want):], ":"); ok {
		first, _, _ := strings.Cut(want, " ")
		if strings.HasPrefix(strings.ToLower(strings.TrimSpace(rest)), first+" ") {
			t.Errorf("summary %q says its decision twice", told.Summary)
		}
	}
	if strings.Count(strings.ToLower(told.Summary), "the key is disabled") > 1 {
		t.Errorf("summary %q says the key is disabled twice", told.Summary)
	}
	for _, w := range DecisionWords {
		if w != want && w != WordAllowed && strings.Contains(told.Summary, w) {
			t.Errorf("summary %q also states %q", told.Summary, w)
		}
	}
	for _, enum := range []string{"NoDecision", "AllowedByGrant", "NoIdentityAllow", "NoResourceAllow", "ExplicitDeny", "implicitDeny", "(Allowed)"} {
		if strings.Contains(told.Summary, enum) {
			t.Errorf("summary %q shows the engine's %s", told.Summary, enum)
		}
	}
}

func TestNarrateCached(t *testing.T) {
	t.Parallel()
	tr := &Trace{Principal: "arn:aws:iam::111122223333:user/kmslab-user-x", Action: "kms:Decrypt", KMS: true,
		Decision: NoDecision, Steps: []Step{{Finding: "No statement of the key policy applies to x.", Decisive: true}}}
	if got := Narrate(tr); got.Allowed || got.Decision != WordImplicitDeny {
		t.Fatalf("uncached: %+v", got)
	}
	tr.Cached = &Cached{Service: "DynamoDB", Key: "the table key"}
	got := Narrate(tr)
	if !got.Allowed || got.Decision != WordAllowed {
		t.Fatalf("cached: %+v", got)
	}
	for _, w := range []string{"kmslab-user-x's kms:Decrypt was allowed", "DynamoDB served it from the table key", WordImplicitDeny} {
		if !strings.Contains(got.Summary, w) {
			t.Errorf("cached summary %q lacks %q", got.Summary, w)
		}
	}
}

// TestFindings: the findings beside the summary are the engine's own, in
// its order, without the deciding ones (the summary tells those) and
// without the rules that had nothing to say.
func TestFindings(t *testing.T) {
	t.Parallel()
	tr := &Trace{Steps: []Step{
		{Finding: findingNoDeny},
		{Finding: `Statement "Enable IAM User Permissions" names the account, not bob: it hands the decision to IAM.`},
		{Finding: "None of the caller's IAM policies allows kms:Decrypt on this resource.", Decisive: true},
		{Finding: "The key has no grants."},
		{Finding: findingNotNeeded},
		{Finding: findingKeyEnabled},
	}}
	got := Findings(tr)
	want := []string{`Statement "Enable IAM User Permissions" names the account, not bob: it hands the decision to IAM.`, "The key has no grants."}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("Findings = %q, want %q", got, want)
	}
	if Findings(nil) != nil {
		t.Error("Findings(nil) is not empty")
	}
}

func TestJoinFinding(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ decision, finding, want string }{
		{WordAllowed, "allowed by statement 1 in the managed policy P", " by statement 1 in the managed policy P"},
		{WordAllowed, "grant g allows Decrypt", ": grant g allows Decrypt"},
		{WordExplicitDeny, "denied by statement 1 in the inline policy P. No allow can override it",
			" in statement 1 in the inline policy P. No allow can override it"},
		{WordImplicitDeny, "none of the caller's IAM policies allows kms:Decrypt", ": none of the caller's IAM policies allows kms:Decrypt"},
		{WordDisabled, "the key is Disabled: KMS refuses the request with DisabledException", ": KMS refuses the request with DisabledException"},
		{WordKeyState, "the key is PendingDeletion: KMS refuses the request with KMSInvalidStateException",
			": the key is PendingDeletion: KMS refuses the request with KMSInvalidStateException"},
	} {
		if got := joinFinding(c.decision, c.finding); got != c.want {
			t.Errorf("joinFinding(%q, %q) = %q, want %q", c.decision, c.finding, got, c.want)
		}
	}
}
