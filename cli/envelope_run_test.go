package cli

import (
	"strings"
	"testing"
)

// `kmslab run --lab envelope --experiments --seed 1` prints the same bytes
// twice, walks the envelope lab (not the first one) and passes its verdict;
// an unknown lab is refused in one sentence naming the labs.
func TestRunEnvelopeSeedIsDeterministic(t *testing.T) {
	t.Parallel() // offline: no ledger, and the package has a state home of its own (TestMain)
	args := []string{"run", "--lab", "envelope", "--experiments", "--seed", "1"}
	out1, errOut, e1 := runInProcess(t, args...)
	out2, _, e2 := runInProcess(t, args...)
	if e1 != nil || e2 != nil {
		t.Fatalf("kmslab %s: %v / %v\n%s%s", strings.Join(args, " "), e1, e2, out1, errOut)
	}
	if out1 != out2 {
		t.Errorf("kmslab %s printed different bytes twice:\n%s", strings.Join(args, " "), firstDiff(out1, out2))
	}
	for _, want := range []string{"kmslab · Envelope encryption by hand", "Part 7 of 7 · Rotate the key", "Experiment 5 · Schedule deletion, then cancel it"} {
		if !strings.Contains(out1, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Contains(out1, "Encrypt data with AWS KMS") {
		t.Error("the envelope run names the first lab")
	}
	// The experiments' preamble is the lab's: no DynamoDB table key is
	// cached between the envelope lab's changes and their effect.
	if strings.Contains(out1, "table key cache") {
		t.Error("the envelope run's preamble speaks of DynamoDB's table key cache")
	}
	_, _, err := runInProcess(t, "run", "--lab", "nope")
	if err == nil || !strings.Contains(err.Error(), "kms or envelope") {
		t.Errorf("unknown lab: %v", err)
	}
}
