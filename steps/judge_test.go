package steps

import (
	"testing"

	"kmslab/awsops"
)

// TestJudgeTakesWorkedOutExpectations: an experiment that works out, for
// this account, a decision other than the declared one (experiment 2 run as
// the account root, whose key policy delegates to IAM through the admin's
// own statements) is judged by it, not by the declaration.
func TestJudgeTakesWorkedOutExpectations(t *testing.T) {
	t.Parallel()
	var x Experiment
	for _, e := range Experiments() {
		if e.ID == "no-delegation" {
			x = e
		}
	}
	if x.Expect[ProbeRead] != awsops.Refused {
		t.Fatalf("no-delegation declares %v", x.Expect)
	}
	allowed := awsops.Trial{Restored: true, Probes: []awsops.Probe{
		{Name: ProbeRead, Call: "Scan", Decision: awsops.Allowed}, {Name: ProbeDecrypt, Call: "Decrypt", Decision: awsops.Allowed}}}
	if p := x.judge(allowed, nil); len(p) != 2 {
		t.Fatalf("an IAM user's allowed read must be a problem: %v", p)
	}
	allowed.Expected = map[string]awsops.Decision{ProbeRead: awsops.Allowed, ProbeDecrypt: awsops.Allowed}
	if p := x.judge(allowed, nil); len(p) != 0 {
		t.Fatalf("the root's worked-out expectations are not used: %v", p)
	}
}
