package steps_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"kmslab/awsops"
	"kmslab/policy"
	"kmslab/sim"
	"kmslab/steps"
)

// The envelope lab, walked against the offline AWS: every part reaches what
// the lab must, then every experiment finds what AWS decides, its probes'
// traces agree with what was observed, and cleanup leaves nothing.
func TestEnvelopeWalkthrough(t *testing.T) {
	t.Parallel()
	lab := newLab(t, sim.Options{KeyPolicyDelay: 200 * time.Millisecond, AccessKeyDelay: 100 * time.Millisecond})
	ctx := context.Background()
	course := steps.Envelope()
	var outcomes []steps.Outcome
	after := course.ExperimentsAfter()
	for i, s := range course.Steps {
		out := s.Run(ctx, lab)
		outcomes = append(outcomes, out)
		if out.Summary == "" {
			t.Errorf("%s: no summary", s.ID)
		}
		if s.Check != nil {
			if why := s.Check(out); why != "" {
				t.Fatalf("%s: %s (%v)", s.ID, why, out.Err)
			}
		} else if out.Status != steps.Done {
			t.Fatalf("%s: %s: %v", s.ID, out.Status, out.Err)
		}
		switch r := out.Result.(type) {
		case steps.ReadDenied:
			if r.Explanation == nil || r.Explanation.Trace == nil || r.Explanation.Trace.Verdict() == "Allowed" {
				t.Errorf("part 5: the trace does not explain the refusal: %+v", r.Explanation)
			}
		case steps.ScopedAccess:
			if r.Explanation == nil || r.Explanation.Trace == nil || r.Explanation.Trace.Verdict() == "Allowed" {
				t.Errorf("part 6: the wrong context's trace does not refuse: %+v", r.Explanation)
			}
			if r.Right.Secret == "" {
				t.Errorf("part 6: the test user read no secret")
			}
		}
		if i == after {
			for _, x := range course.NumberedExperiments() {
				res := x.Run(ctx, lab, "")
				if len(res.Problems) > 0 {
					t.Errorf("experiment %s: %v", x.ID, res.Problems)
				}
				checkEnvelopeTraces(t, x.ID, res.Trial)
			}
		}
	}
	if why := course.Verdict(outcomes); why != "" {
		t.Fatalf("verdict: %s", why)
	}
	if s := lab.Ledger().Pending(); len(s) != 0 {
		t.Errorf("left in the ledger: %+v", s)
	}
}

// checkEnvelopeTraces holds each probe's trace against what KMS did: the
// authorization the trace evaluates allows exactly the calls that were not
// refused by the policies (a refusal by the cryptography, with the policies
// allowing, is InvalidCiphertextException), with the probe's context.
func checkEnvelopeTraces(t *testing.T, id string, tr awsops.Trial) {
	t.Helper()
	if len(tr.Probes) == 0 {
		t.Errorf("%s: no probes", id)
	}
	for _, p := range tr.Probes {
		if p.Trace == nil || p.Trace.Trace == nil {
			t.Errorf("%s %s: no trace of its own call (%s)", id, p.Call, p.TraceError)
			continue
		}
		for _, c := range p.Trace.Context {
			if c.Key == string(policy.KeyViaService) {
				t.Errorf("%s %s: a direct call traced through %v", id, p.Call, c.Values)
			}
		}
		authorized := p.Decision == awsops.Allowed || p.Code == "InvalidCiphertextException"
		if (p.Trace.Verdict() == "Allowed") != authorized {
			t.Errorf("%s %s: %s (%s), but its trace says %s", id, p.Call, p.Decision, p.Code, p.Trace.Verdict())
		}
		if strings.Contains(p.Call, "(context tenant=") {
			found := false
			for _, c := range p.Trace.Context {
				found = found || c.Key == "kms:EncryptionContext:tenant"
			}
			if !found {
				t.Errorf("%s %s: the trace lacks the encryption context", id, p.Call)
			}
		}
	}
}
