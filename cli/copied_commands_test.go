package cli

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"kmslab/awsops"
	"kmslab/awsops/ledger"
	"kmslab/internal/testbin"
	"kmslab/steps"
)

// pastedLab is what bash printed while running every step's copied commands.
type pastedLab struct {
	out    string            // everything
	byStep map[string]string // the output of each step's commands, by step id
}

// pasteLab pastes the commands every step shows, in order and as the c key
// copies them (joined by newlines), into one bash reading standard input,
// with the AWS CLI awsBin pointed at serve's environment. Only the shell's
// surroundings are set by the test: the endpoint (older CLIs ignore
// AWS_ENDPOINT_URL, as scripts/awscli-lab.sh notes), no pager, a marker
// before each step and an ERR trap that names every failing command.
func pasteLab(t *testing.T, awsBin string, env []string, names ledger.Names, id awsops.Identity) pastedLab {
	t.Helper()
	var script strings.Builder
	script.WriteString(`aws() { command aws ${AWS_ENDPOINT_URL:+--endpoint-url "$AWS_ENDPOINT_URL"} "$@"; }` + "\n")
	script.WriteString(`trap 'echo "__FAILED__ rc=$? $BASH_COMMAND"' ERR` + "\n")
	for _, st := range steps.All() {
		script.WriteString("echo __STEP__ " + st.ID + "\n")
		script.WriteString(strings.Join(st.CLI(names, id), "\n") + "\n")
	}
	// After the lab, the key must be waiting for deletion.
	script.WriteString("echo __STEP__ check\n")
	script.WriteString("aws kms describe-key --key-id \"$KEY_ID\" --query KeyMetadata.KeyState --output text\n")

	cmd := exec.Command("bash")
	cmd.Dir = t.TempDir() // key-policy.json lands here
	cmd.Stdin = strings.NewReader(script.String())
	binDir := t.TempDir()
	if err := os.Symlink(awsBin, filepath.Join(binDir, "aws")); err != nil {
		t.Fatal(err)
	}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") && !strings.HasPrefix(kv, "PATH=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "PATH="+binDir+string(os.PathListSeparator)+os.Getenv("PATH"),
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=")
	cmd.Env = append(cmd.Env, env...) // as serve exports it: CLI v1 needs its AWS_DEFAULT_REGION
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("bash: %v\n%s", err, out)
	}
	lab := pastedLab{out: string(out), byStep: map[string]string{}}
	var cur string
	for _, line := range strings.SplitAfter(string(out), "\n") {
		if id, ok := strings.CutPrefix(line, "__STEP__ "); ok {
			cur = strings.TrimSpace(id)
			continue
		}
		lab.byStep[cur] += line
	}
	return lab
}

// TestCopiedCommandsRunAsPasted runs the whole lab from the AWS CLI commands
// the steps show, pasted into bash against `kmslab serve`, as shown before
// the identity is known (shell variables) and, in CI, also as shown after
// (real account and ARN in the commands), with every AWS CLI on the machine.
func TestCopiedCommandsRunAsPasted(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the AWS CLI many times")
	}
	t.Parallel()
	bin := kmslabBinary(t)
	// The commands shown once the identity is known are those shown before
	// with the identity in place of its shell variables: steps'
	// TestCommandsOnceTheIdentityIsKnown checks that in-process, so a local
	// run pastes the commands as shown before the identity is known, once.
	// CI pastes both with every CLI.
	modes := testbin.Breadth(t, "identity modes", []string{"identity-unknown", "identity-known"}, []string{"identity-unknown"})
	for _, cli := range testbin.AWSCLIs(t) {
		awsBin, version := cli.Path, cli.Name()
		for _, mode := range modes {
			t.Run(version+"/"+mode, func(t *testing.T) {
				t.Parallel() // each mode pastes into its own serve
				env := startServeBinary(t, bin)
				var id awsops.Identity
				if mode == "identity-known" {
					id = callerIdentity(t, awsBin, env)
				}
				lab := pasteLab(t, awsBin, env, ledger.NewNames("pasted"), id)
				checkPastedLab(t, lab, env)
			})
		}
	}
}

func checkPastedLab(t *testing.T, lab pastedLab, env []string) {
	t.Helper()
	for _, kv := range env {
		if secret, ok := strings.CutPrefix(kv, "AWS_SECRET_ACCESS_KEY="); ok && strings.Contains(lab.out, secret) {
			t.Error("the pasted commands printed the admin's secret access key")
		}
	}
	for _, st := range steps.All() {
		out := lab.byStep[st.ID]
		failures := strings.Count(out, "__FAILED__")
		want := 0
		if st.ID == "test-denied" {
			want = 1 // the test user's scan, refused as the lab expects
		}
		if failures != want {
			t.Errorf("step %s: %d commands failed, want %d:\n%s", st.ID, failures, want, out)
		}
	}
	for _, tt := range []struct{ step, want string }{
		{"create-key", `"Sid": "Allow use of the key"`},
		{"create-key", `"KeyState": "Enabled"`},
		{"encrypt-table", "ENABLED"},
		{"add-data", "Ada Lovelace"},
		{"create-user", "test user's access key: AKIA"},
		{"test-denied", "AccessDeniedException"},
		{"test-denied", "kms:Decrypt"},
		{"test-denied", "implicitDeny"},
		{"grant-access", "The vault opens with 4-8-15-16"},
		{"check", "PendingDeletion"},
	} {
		if !strings.Contains(lab.byStep[tt.step], tt.want) {
			t.Errorf("step %s printed no %q:\n%s", tt.step, tt.want, lab.byStep[tt.step])
		}
	}
	if t.Failed() {
		t.Logf("whole output:\n%s", lab.out)
	}
}

// callerIdentity asks serve who the admin is, as preflight does before the
// TUI shows any command.
func callerIdentity(t *testing.T, awsBin string, env []string) awsops.Identity {
	t.Helper()
	args := []string{"sts", "get-caller-identity", "--query", "[Account,Arn]", "--output", "text"}
	for _, kv := range env {
		if u, ok := strings.CutPrefix(kv, "AWS_ENDPOINT_URL="); ok {
			args = append([]string{"--endpoint-url", u}, args...)
		}
	}
	cmd := exec.Command(awsBin, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"),
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null"}, env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("get-caller-identity: %v\n%s", err, out)
	}
	f := strings.Fields(string(out))
	if len(f) != 2 {
		t.Fatalf("get-caller-identity printed %q", out)
	}
	return awsops.Identity{Account: f[0], ARN: f[1]}
}

// startServeBinary runs the built kmslab serve as its own process (not
// under the race detector, which would slow the many AWS CLI calls tenfold)
// and returns the environment its export lines describe.
func startServeBinary(t *testing.T, bin string) []string {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--key-cache-ttl", "0")
	home := t.TempDir()
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_STATE_HOME="+home)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	})
	env, _ := readServeEnv(t, out, "")
	go func() { _, _ = io.Copy(io.Discard, out) }()
	return env
}
