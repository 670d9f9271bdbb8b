package steps_test

import (
	"context"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"

	"kmslab/awsops"
	"kmslab/awsops/ledger"
	"kmslab/internal/testbin"
	"kmslab/sim"
	"kmslab/steps"
)

// The envelope lab's commands, every part, experiment and the cleanup,
// pasted in order into one bash against a fresh offline AWS, with the AWS
// CLI (in CI every version on the machine, side by side): nothing is
// malformed, the secret comes back exactly where the lab says it does
// (parts 4, 6 and 7, and not part 5), and AWS refuses exactly with the
// codes the lab teaches.
func TestEnvelopeCLIRunsAsPasted(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the AWS CLI")
	}
	t.Parallel() // the longest chain of CLI calls in the package: start it first
	for _, tool := range []string{"jq", "bash", "openssl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
	for _, cli := range testbin.AWSCLIs(t) {
		path := cli.Path
		t.Run(cli.Name(), func(t *testing.T) {
			t.Parallel()
			// Debian's AWS CLI v2 predates RotateKeyOnDemand (2024): part 7's
			// rotation commands are then only checked with the other CLI.
			probe, _ := exec.Command(path, "kms", "rotate-key-on-demand").CombinedOutput()
			rotates := !strings.Contains(strings.ToLower(string(probe)), "invalid choice")
			// Two chains side by side, each on its own offline AWS: the whole
			// lab with the first experiments, and the parts again with the
			// rest. One chain was the package's longest wait, on one core.
			course := steps.Envelope()
			half := len(course.Experiments) / 2
			chains := [][]steps.Experiment{course.Experiments[:half], course.Experiments[half:]}
			outs := make([]map[string]string, len(chains))
			var wg sync.WaitGroup
			for i, xs := range chains {
				wg.Go(func() { outs[i] = pasteEnvelope(t, path, course, xs, i == 0) })
			}
			wg.Wait()
			if outs[0] == nil || outs[1] == nil {
				return // pasteEnvelope said why
			}
			if !rotates {
				t.Logf("%s has no rotate-key-on-demand: part 7's rotation not checked", path)
				for _, out := range outs {
					out["env-rotate"] = cliMisuse.ReplaceAllString(out["env-rotate"], "")
				}
			}
			sections := outs[0]
			for _, x := range chains[1] {
				sections[x.ID] = outs[1][x.ID]
			}
			for id, body := range outs[1] {
				if m := cliMisuse.FindString(body); m != "" {
					t.Fatalf("%s (second chain): a command is malformed (%q):\n%s", id, m, body)
				}
			}
			for id, body := range sections {
				if m := cliMisuse.FindString(body); m != "" {
					t.Fatalf("%s: a command is malformed (%q):\n%s", id, m, body)
				}
			}
			secret := regexp.MustCompile(`(?m)^The vault opens with 4-8-15-16$`)
			for id, want := range map[string]int{"env-read": 1, "env-denied": 0, "env-scoped-grant": 1, "env-rotate": 1} {
				if got := len(secret.FindAllString(sections[id], -1)); got != want {
					t.Errorf("%s: the secret printed %d times, want %d:\n%s", id, got, want, sections[id])
				}
			}
			for id, want := range map[string][]string{
				"env-data-key":     nil,
				"env-seal":         nil,
				"env-read":         nil,
				"env-denied":       {"AccessDeniedException"},
				"env-scoped-grant": {"AccessDeniedException", "InvalidCiphertextException"},
				"env-rotate":       nil,
				"env-no-context":   {"AccessDeniedException", "InvalidCiphertextException"},
				"env-writer":       {"AccessDeniedException"},
				"env-reencrypt":    {"AccessDeniedException"},
				"env-disable":      {"DisabledException"},
				"env-deletion":     {"KMSInvalidStateException", "DisabledException"},
				"cleanup":          nil,
			} {
				var got []string
				for _, m := range awsError.FindAllStringSubmatch(sections[id], -1) {
					got = append(got, m[1])
				}
				if strings.Join(got, " ") != strings.Join(want, " ") {
					t.Errorf("%s: AWS refused with %v, want %v:\n%s", id, got, want, sections[id])
				}
			}
		})
	}
}

// pasteEnvelope pastes the envelope lab's parts, with the experiments xs
// after the step they follow, into one bash against a fresh offline AWS;
// whole adds the steps after them (cleanup included). It returns each
// section's output by step or experiment id.
func pasteEnvelope(t *testing.T, awsCLI string, course steps.Lab, xs []steps.Experiment, whole bool) map[string]string {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv, err := sim.Start(ctx, sim.Options{})
	if err != nil {
		t.Error(err)
		return nil
	}
	defer srv.Close()
	names := ledger.NewNames("clienv")
	var script []string
	script = append(script, "set -uo pipefail",
		`aws() { command "$AWS_CLI" --endpoint-url "$AWS_ENDPOINT_URL" "$@"; }`,
		"sleep() { :; }  # the offline AWS applies policy changes at once")
	for i, st := range course.Steps {
		if i > course.ExperimentsAfter() && !whole {
			break
		}
		script = append(script, "echo '=== "+st.ID+"'")
		script = append(script, st.CLI(names, awsops.Identity{})...)
		if i == course.ExperimentsAfter() {
			for _, x := range xs {
				script = append(script, "echo '=== "+x.ID+"'")
				script = append(script, x.CLI(names, awsops.Identity{})...)
			}
		}
	}
	cmd := exec.Command("bash", "-c", strings.Join(script, "\n")+"\n")
	cmd.Dir = t.TempDir()
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	cmd.Env = append(env, "AWS_CLI="+awsCLI,
		"AWS_ENDPOINT_URL="+srv.URL, "AWS_DEFAULT_REGION="+srv.Region,
		"AWS_ACCESS_KEY_ID="+srv.Admin.AccessKeyID, "AWS_SECRET_ACCESS_KEY="+srv.Admin.SecretAccessKey,
		"AWS_PAGER=", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null")
	raw, _ := cmd.CombinedOutput()
	sections := map[string]string{}
	for _, sec := range strings.Split(string(raw), "=== ")[1:] {
		id, body, _ := strings.Cut(sec, "\n")
		sections[id] = body
	}
	return sections
}
