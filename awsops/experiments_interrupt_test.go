package awsops_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"kmslab/awsops"
	"kmslab/internal/simtest"
	"kmslab/sim"
	"kmslab/steps"
)

// experimentCuts are, per experiment, the calls that change something: the
// run is cut right after AWS carried each one out.
var experimentCuts = map[string][]string{
	"iam-instead":   {"PutKeyPolicy", "CreatePolicy", "AttachUserPolicy"},
	"no-delegation": {"PutKeyPolicy", "CreatePolicy", "AttachUserPolicy"},
	"scoped-iam":    {"CreatePolicy", "PutItem"},
	"explicit-deny": {"PutUserPolicy"},
	"via-dynamodb":  {"PutKeyPolicy"},
	"grant":         {"CreateGrant", "RevokeGrant"},
	"disable-key":   {"DisableKey"},
	"cached-key":    {"PutKeyPolicy"},
	"own-policy":    {"PutKeyPolicy"},
	"table-policy":  {"PutKeyPolicy", "DetachUserPolicy", "PutResourcePolicy"},
}

// TestInterruptedExperimentsLeaveNothing interrupts every experiment right
// after each of its changes reached AWS, then cleans up as `kmslab cleanup`
// does, from the ledger on disk alone, and lists the account as the admin.
func TestInterruptedExperimentsLeaveNothing(t *testing.T) {
	for _, x := range steps.Experiments() {
		cuts := experimentCuts[x.ID]
		if len(cuts) == 0 {
			t.Fatalf("experiment %s has no cut points", x.ID)
		}
		for _, op := range cuts {
			t.Run(x.ID+"/"+op, func(t *testing.T) {
				t.Parallel()
				clock := &simtest.SkipClock{}
				e := startSim(t, sim.Options{Clock: clock.Now})
				opts := e.opts(nil)
				opts.Clock, opts.Sleep, opts.KeyCacheTTL = clock.Now, clock.Sleep, sim.DefaultKeyCache
				lab, err := awsops.New(e.cfg, opts)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := runLab(context.Background(), lab); err != nil {
					t.Fatal(err)
				}
				policy := ""
				if x.YourPolicy {
					id, _ := lab.WhoAmI(context.Background())
					p, err := lab.GetKeyPolicy(context.Background())
					if err != nil {
						t.Fatal(err)
					}
					if policy, err = steps.SampleOwnPolicy(p, "arn:aws:iam::"+id.Account+":user/"+lab.Names().User); err != nil {
						t.Fatal(err)
					}
				}
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				e.tap.setCut(op, cancel)
				err = x.Run(ctx, lab, policy).Err
				if !e.tap.fired() {
					t.Fatalf("%s was never called", op)
				}
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("err = %v, want context.Canceled", err)
				}
				cleanLeftovers(t, e)
				e.assertEmpty(t)
				assertNoRunPolicies(t, e)
				assertNoLedgers(t, e.stateDir)
			})
		}
	}
}

// assertNoRunPolicies lists the account's customer managed policies as the
// admin: none of a lab run may be left.
func assertNoRunPolicies(t *testing.T, e *env) {
	t.Helper()
	out, err := iam.NewFromConfig(e.cfg).ListPolicies(context.Background(), &iam.ListPoliciesInput{Scope: "Local"})
	if err != nil {
		t.Fatalf("list policies: %v", err)
	}
	for _, p := range out.Policies {
		if strings.HasPrefix(aws.ToString(p.PolicyName), "kmslab-") {
			t.Errorf("policy left: %s", aws.ToString(p.PolicyName))
		}
	}
}
