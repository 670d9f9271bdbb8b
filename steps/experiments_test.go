package steps_test

import (
	"context"
	"crypto/rand"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"kmslab/awsops"
	"kmslab/awsops/ledger"
	"kmslab/awsops/policydoc"
	"kmslab/internal/simtest"
	"kmslab/internal/testbin"
	"kmslab/policy"
	"kmslab/sim"
	"kmslab/steps"
)

// labAtPart6 runs parts 1 to 6 on a fresh offline AWS with the default 5
// minute key cache and returns the lab and the admin's config.
func labAtPart6(t *testing.T) (*awsops.Lab, aws.Config, string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	clock := &simtest.SkipClock{}
	srv, err := sim.Start(ctx, sim.Options{Clock: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	cfg := aws.Config{
		Region:       srv.Region,
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider(srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey, ""),
		HTTPClient:   http.DefaultClient,
	}
	dir := t.TempDir()
	lab, err := awsops.New(cfg, awsops.Options{
		RunID:          ledger.NewRunID(rand.Reader),
		StateDir:       dir,
		Clock:          clock.Now,
		Sleep:          clock.Sleep,
		KeyCacheTTL:    sim.DefaultKeyCache,
		WaitTimeout:    5 * time.Second,
		InitialBackoff: 5 * time.Millisecond,
		MaxBackoff:     40 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range steps.All()[:6] {
		if out := s.Run(context.Background(), lab); !out.Status.Succeeded() {
			t.Fatalf("part %d: %v", s.Part, out.Err)
		}
	}
	return lab, cfg, dir
}

// ownPolicy is the learner's edit the tests apply for experiment 9.
func ownPolicy(t *testing.T, lab *awsops.Lab) string {
	t.Helper()
	id, err := lab.WhoAmI(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	p, err := lab.GetKeyPolicy(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	arn := "arn:aws:iam::" + id.Account + ":user/" + lab.Names().User
	own, err := steps.SampleOwnPolicy(p, arn)
	if err != nil {
		t.Fatal(err)
	}
	return own
}

// TestExperimentsOverTheWire runs every experiment against the offline AWS:
// each probe must reach the decision AWS reaches, and the state after the
// reset must equal the state before.
func TestExperimentsOverTheWire(t *testing.T) {
	lab, _, _ := labAtPart6(t)
	ctx := context.Background()
	for _, x := range steps.Experiments() {
		t.Run(x.ID, func(t *testing.T) {
			before, err := lab.State(ctx)
			if err != nil {
				t.Fatal(err)
			}
			policy := ""
			if x.YourPolicy {
				policy = ownPolicy(t, lab)
			}
			out := x.Run(ctx, lab, policy)
			if out.Err != nil {
				t.Fatalf("run: %v", out.Err)
			}
			for _, p := range out.Problems {
				t.Errorf("problem: %s", p)
			}
			for name, want := range x.Expect {
				p, ok := out.Trial.Probe(name)
				if !ok || p.Decision != want {
					t.Errorf("probe %s: %+v, want %s", name, p, want)
				}
			}
			if x.Predict != "" && out.Actual(x) == "" {
				t.Errorf("the predicted probe %s was not made", x.Predict)
			}
			if len(out.Trial.Diffs) == 0 || out.Trial.Diffs[0].Text == "" {
				t.Errorf("no diff of what changed: %+v", out.Trial.Diffs)
			}
			if out.Trial.Trace == nil {
				t.Errorf("no trace: %v", out.Trial.Notes)
			}
			checkProbeTraces(t, out.Trial)
			if x.ID == "table-policy" {
				// DynamoDB's decision goes through the table policy; the
				// key's is KMS's own, told apart.
				d, _ := out.Trial.Probe(steps.ProbeDescribe)
				r, _ := out.Trial.Probe(steps.ProbeRead)
				if d.Told == nil || !strings.Contains(d.Told.Summary, `"LetTheTestUserIn" in the resource policy names the caller`) {
					t.Errorf("DescribeTable's why does not name the table policy: %+v", d.Told)
				}
				if r.Told == nil || !strings.Contains(r.Told.Summary, "kms:Decrypt was denied by default") {
					t.Errorf("the read's why is not KMS's implicit deny: %+v", r.Told)
				}
				// The read's own DynamoDB decision went through the table policy.
				if r.TableTold == nil || !r.TableTold.Allowed || !strings.Contains(r.TableTold.Summary, `dynamodb:Scan was allowed: statement "LetTheTestUserIn"`) {
					t.Errorf("the read's DynamoDB decision is not the table policy's: %+v", r.TableTold)
				}
			}
			after, err := lab.State(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if d := after.Diff(before); d != "" || !out.Trial.Restored {
				t.Errorf("state after reset differs (restored=%v):\n%s", out.Trial.Restored, d)
			}
		})
	}
}

// TestOwnPolicyRefusesInvalid checks that experiment 9 refuses a broken
// policy before touching AWS, naming the line of a JSON mistake.
func TestOwnPolicyRefusesInvalid(t *testing.T) {
	for _, tt := range []struct {
		doc, want string
		line      int
	}{
		{"{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\",}\n  ]\n}", "invalid JSON", 4},
		{`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}]}`, "Principal", 0},
	} {
		err := policydoc.ValidateKeyPolicy(tt.doc)
		pe, ok := err.(*policydoc.Error)
		if !ok || !strings.Contains(pe.Message, tt.want) || pe.Line != tt.line {
			t.Errorf("ValidateKeyPolicy(%q) = %v, want %q at line %d", tt.doc, err, tt.want, tt.line)
		}
	}
}

// adminOnly keeps the commands an admin runs: the lines after "# as the test
// user" up to the next comment need the test user's key, which the lab never
// hands out.
func adminOnly(lines []string) []string {
	var out []string
	skip := false
	for _, l := range lines {
		if strings.HasPrefix(l, "#") {
			skip = strings.HasPrefix(l, "# as the test user")
			continue
		}
		if !skip {
			out = append(out, l)
		}
	}
	return out
}

// cliMisuse are what the AWS CLI, jq and bash print when a command itself is
// wrong (as opposed to AWS refusing it, which some experiments show on purpose).
var cliMisuse = regexp.MustCompile(`(?i)usage:|unknown options|invalid choice|jq: error|command not found|error parsing parameter|malformedpolicydocument|no such file|syntax error|unbound variable|could not be found|unable to locate credentials`)

// TestExperimentCLIRunsAsPasted runs each experiment's AWS CLI equivalent
// (the admin's commands) with the real AWS CLI against the offline AWS: no
// command may be malformed, and the experiment's own restore lines must leave
// the end-of-part-6 state as it was.
func TestExperimentCLIRunsAsPasted(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the AWS CLI")
	}
	t.Parallel()
	for _, tool := range []string{"jq", "bash"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
	// One CLI whatever the breadth: the commands are the same shell code for
	// every version, and the envelope lab's test pastes with each in CI.
	awsCLI := testbin.FirstAWSCLI(t).Path
	for _, x := range steps.Experiments() {
		t.Run(x.ID, func(t *testing.T) {
			t.Parallel()
			lab, cfg, _ := labAtPart6(t)
			ctx := context.Background()
			id, err := lab.WhoAmI(ctx)
			if err != nil {
				t.Fatal(err)
			}
			creds, err := cfg.Credentials.Retrieve(ctx)
			if err != nil {
				t.Fatal(err)
			}
			before, err := lab.State(ctx)
			if err != nil {
				t.Fatal(err)
			}
			script := "set -uo pipefail\n" +
				`aws() { command "$AWS_CLI" --endpoint-url "$AWS_ENDPOINT_URL" "$@"; }` + "\n" +
				"sleep() { :; }  # the cache waits are the offline AWS's business\n" +
				strings.Join(adminOnly(x.CLI(lab.Names(), id)), "\n") + "\n"
			cmd := exec.Command("bash", "-c", script)
			cmd.Dir = t.TempDir()
			var env []string
			for _, kv := range os.Environ() {
				if !strings.HasPrefix(kv, "AWS_") {
					env = append(env, kv)
				}
			}
			cmd.Env = append(env, "AWS_CLI="+awsCLI,
				"AWS_ENDPOINT_URL="+aws.ToString(cfg.BaseEndpoint), "AWS_DEFAULT_REGION="+cfg.Region,
				"AWS_ACCESS_KEY_ID="+creds.AccessKeyID, "AWS_SECRET_ACCESS_KEY="+creds.SecretAccessKey,
				"AWS_PAGER=", "VISUAL=true", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null")
			out, _ := cmd.CombinedOutput()
			if m := cliMisuse.Find(out); m != nil {
				t.Errorf("a command is malformed (%q):\n%s", m, out)
			}
			// AWS refusing is the point only of the disabled key's scan.
			for _, m := range awsError.FindAllSubmatch(out, -1) {
				if x.ID != "disable-key" || string(m[1]) != "ValidationException" {
					t.Errorf("AWS refused a command (%s):\n%s", m[1], out)
				}
			}
			after, err := lab.State(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if d := after.Diff(before); d != "" {
				t.Errorf("the CLI restore lines did not restore the state:\n%s\noutput:\n%s", d, out)
			}
		})
	}
}

var awsError = regexp.MustCompile(`An error occurred \((\w+)\)`)

// checkProbeTraces checks that every probe reaching KMS carries the trace of
// its own call: kms:Decrypt by its caller, with kms:ViaService exactly when
// DynamoDB made the call for the caller, reaching the decision AWS did.
func checkProbeTraces(t *testing.T, tr awsops.Trial) {
	t.Helper()
	for _, p := range tr.Probes {
		if p.Trace == nil || p.Trace.Trace == nil {
			t.Errorf("%s: no trace of its own call (%s)", p.Call, p.TraceError)
			continue
		}
		if strings.HasPrefix(p.Call, "DescribeTable") {
			// Metadata never reaches KMS: DynamoDB's own decision, on the
			// table, with its table policy taking part.
			if p.Trace.Action != "dynamodb:DescribeTable" || p.Trace.KMS || !strings.Contains(p.Trace.Resource, ":table/") {
				t.Errorf("%s: trace of %s on %s", p.Call, p.Trace.Action, p.Trace.Resource)
			}
			if (p.Trace.Verdict() == "Allowed") != (p.Decision == awsops.Allowed) || p.Told == nil || p.Told.Allowed != (p.Decision == awsops.Allowed) {
				t.Errorf("%s: %s, but its trace says %s (%+v)", p.Call, p.Decision, p.Trace.Verdict(), p.Told)
			}
			continue
		}
		if p.Trace.Action != "kms:Decrypt" {
			t.Errorf("%s: trace of %s, want kms:Decrypt", p.Call, p.Trace.Action)
		}
		via := false
		for _, c := range p.Trace.Context {
			via = via || c.Key == string(policy.KeyViaService)
		}
		if direct := strings.HasPrefix(p.Call, "kms Decrypt"); via == direct {
			t.Errorf("%s: kms:ViaService in the trace = %v", p.Call, via)
		}
		if strings.HasSuffix(p.Call, "as the admin") != !strings.Contains(p.Trace.Principal, "kmslab-user-") {
			t.Errorf("%s: traced as %s", p.Call, p.Trace.Principal)
		}
		// A read served from DynamoDB's cached table key never asked KMS:
		// the cache is its deciding step; otherwise KMS's rules decide.
		cached := strings.Contains(p.Note, "cached")
		if cached != (p.Trace.Cached != nil) {
			t.Errorf("%s: note %q, trace cached %v", p.Call, p.Note, p.Trace.Cached != nil)
		}
		if !cached && (p.Trace.Verdict() == "Allowed") != (p.Decision == awsops.Allowed) {
			t.Errorf("%s: %s, but its trace says %s", p.Call, p.Decision, p.Trace.Verdict())
		}
		// Without a table policy, DynamoDB's part of a call is IAM's alone
		// and not told; with one, it let the call through to KMS.
		if p.TableTold != nil && (!p.TableTold.Allowed || *p.TableTold != policy.Narrate(p.TableTrace.Trace)) {
			t.Errorf("%s: DynamoDB's part told as %+v", p.Call, p.TableTold)
		}
		// What the learner reads about the probe states what AWS returned.
		if p.Told == nil || p.Told.Allowed != (p.Decision == awsops.Allowed) || p.Told.Decision != policy.Narrate(p.Trace.Trace).Decision {
			t.Errorf("%s: AWS said %s, its explanation says %+v", p.Call, p.Decision, p.Told)
		}
	}
}
