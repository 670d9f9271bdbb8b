package steps_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"kmslab/awsops"
	"kmslab/awsops/policydoc"
	"kmslab/policy"
	"kmslab/steps"
)

// setup is one generated experiment: what it does to the key policy, the
// test user's IAM policy, a grant and the key's state, and which calls it
// probes (through DynamoDB or directly, as the user or the admin).
type setup struct {
	dropUser, dropRoot, grant, disable bool
	iam                                string // "", "allow", "deny", "via-dynamodb"
	// noDynamoDB detaches AmazonDynamoDBFullAccess; tablePolicy puts a table
	// policy naming the user for DescribeTable and Scan.
	noDynamoDB, tablePolicy bool
}

func (s setup) String() string {
	return fmt.Sprintf("dropUser=%v dropRoot=%v iam=%q grant=%v disable=%v noDynamoDB=%v tablePolicy=%v",
		s.dropUser, s.dropRoot, s.iam, s.grant, s.disable, s.noDynamoDB, s.tablePolicy)
}

// TestRandomSetupsTellAWSDecisions generates experiment setups from a fixed
// seed, runs each against the offline AWS, and holds every probe's
// explanation to the invariants below: whatever the setup, the words a
// learner reads state the decision AWS returned for that very call.
func TestRandomSetupsTellAWSDecisions(t *testing.T) {
	lab, _, _ := labAtPart6(t)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(19, 2026))
	invariants := []struct {
		name string
		ok   func(p awsops.Probe) bool
	}{
		{"the told decision is AWS's", func(p awsops.Probe) bool { return p.Told.Allowed == (p.Decision == awsops.Allowed) }},
		{"the phrase is one of the narrative's", func(p awsops.Probe) bool { return slices.Contains(policy.DecisionWords, p.Told.Decision) }},
		{"the sentence states the phrase", func(p awsops.Probe) bool { return strings.Contains(p.Told.Summary, " was "+p.Told.Decision) }},
		{"the sentence is Narrate's of the probe's own trace", func(p awsops.Probe) bool { return policy.Narrate(p.Trace.Trace) == *p.Told }},
		{"no engine name", func(p awsops.Probe) bool {
			return !strings.Contains(p.Told.Summary, "NoDecision") && !strings.Contains(p.Told.Summary, "AllowedBy")
		}},
	}
	iams := []string{"", "allow", "deny", "via-dynamodb"}
	const n = 14
	for i := range n {
		s := setup{dropUser: rng.IntN(2) == 0, dropRoot: rng.IntN(3) == 0, grant: rng.IntN(3) == 0,
			disable: rng.IntN(4) == 0, iam: iams[rng.IntN(len(iams))], noDynamoDB: rng.IntN(3) == 0, tablePolicy: rng.IntN(2) == 0}
		t.Run(fmt.Sprintf("%d", i), func(t *testing.T) {
			x := steps.Experiment{ID: fmt.Sprintf("random-%d", i), Title: "generated", Do: func(ctx context.Context, e *awsops.Experiment, _ string) error {
				if s.dropUser || s.dropRoot {
					if err := e.EditKeyPolicy(ctx, func(p string) (string, error) {
						var err error
						if s.dropUser {
							if p, err = policydoc.RemoveKeyUser(p, e.UserARN()); err != nil {
								return "", err
							}
						}
						if s.dropRoot {
							return policydoc.DropStatement(p, policydoc.SidRoot)
						}
						return p, nil
					}); err != nil {
						return err
					}
				}
				if s.iam != "" {
					effect, cond := "Allow", ""
					switch s.iam {
					case "deny":
						effect = "Deny"
					case "via-dynamodb":
						cond = fmt.Sprintf(`,"Condition":{"StringEquals":{"kms:ViaService":%q}}`, e.ViaService("dynamodb"))
					}
					doc := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":%q,"Action":"kms:Decrypt","Resource":%q%s}]}`, effect, e.KeyARN(), cond)
					if err := e.PutInlinePolicy(ctx, "random", doc); err != nil {
						return err
					}
				}
				if s.grant {
					if _, err := e.CreateGrant(ctx, "random"); err != nil {
						return err
					}
				}
				if s.noDynamoDB {
					if err := e.DetachDynamoDBAccess(ctx); err != nil {
						return err
					}
				}
				if s.tablePolicy {
					doc := policydoc.TablePolicy("Random", e.UserARN(), e.TableARN(), []string{"dynamodb:DescribeTable", "dynamodb:Scan"})
					if err := e.PutTablePolicy(ctx, doc); err != nil {
						return err
					}
				}
				if s.disable {
					if err := e.SetKeyEnabled(ctx, false); err != nil {
						return err
					}
				}
				// Earlier reads may have left a table key cached; the
				// probes below ask KMS.
				for _, who := range []awsops.Principal{awsops.AsTestUser, awsops.AsAdmin} {
					if err := e.WaitOutCache(ctx, who); err != nil {
						return err
					}
				}
				e.Probe(ctx, awsops.ProbeSpec{Name: "read", As: awsops.AsTestUser, Call: awsops.CallScan})
				e.Probe(ctx, awsops.ProbeSpec{Name: "decrypt", As: awsops.AsTestUser, Call: awsops.CallDecrypt})
				e.Probe(ctx, awsops.ProbeSpec{Name: "admin-read", As: awsops.AsAdmin, Call: awsops.CallScan})
				e.Probe(ctx, awsops.ProbeSpec{Name: "describe", As: awsops.AsTestUser, Call: awsops.CallDescribeTable})
				return nil
			}}
			out := x.Run(ctx, lab, "")
			if out.Err != nil {
				t.Fatalf("%s: %v", s, out.Err)
			}
			if !out.Trial.Restored {
				t.Fatalf("%s: not restored: %s", s, out.Trial.Mismatch)
			}
			if len(out.Trial.Probes) != 4 {
				t.Fatalf("%s: %d probes", s, len(out.Trial.Probes))
			}
			for _, p := range out.Trial.Probes {
				if p.Told == nil || p.Trace == nil {
					t.Errorf("%s: %s has no told trace (%s)", s, p.Call, p.TraceError)
					continue
				}
				t.Logf("%s: %s -> %s: %s", s, p.Call, p.Decision, p.Told.Summary)
				for _, inv := range invariants {
					if !inv.ok(p) {
						t.Errorf("%s: %s (AWS: %s): %s fails: %q", s, p.Call, p.Decision, inv.name, p.Told.Summary)
					}
				}
			}
		})
	}
}
