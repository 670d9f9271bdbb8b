package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestAWSCLIServe runs scripts/awscli-serve.sh, what `kmslab serve` offers beyond the lab
// (table resource policies, asymmetric and HMAC keys checked with openssl, data key pairs,
// multi-Region keys, multi-attribute GSI keys), with every AWS CLI version on the machine.
func TestAWSCLIServe(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the AWS CLI many times")
	}
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("no openssl to check signatures with")
	}
	clis := awsCLIs()
	if len(clis) == 0 {
		t.Skip("no AWS CLI on this machine")
	}
	for _, awsBin := range clis {
		v, _ := exec.Command(awsBin, "--version").CombinedOutput()
		name := strings.Fields(string(v))[0]
		t.Run(strings.ReplaceAll(name, "/", "-"), func(t *testing.T) {
			env, _ := startServe(t)
			script, _ := filepath.Abs("../scripts/awscli-serve.sh")
			cmd := exec.Command("bash", script)
			for _, kv := range os.Environ() {
				if !strings.HasPrefix(kv, "AWS_") && !strings.HasPrefix(kv, "PATH=") {
					cmd.Env = append(cmd.Env, kv)
				}
			}
			binDir := t.TempDir()
			if err := os.Symlink(awsBin, filepath.Join(binDir, "aws")); err != nil {
				t.Fatal(err)
			}
			cmd.Env = append(cmd.Env, "PATH="+binDir+string(os.PathListSeparator)+os.Getenv("PATH"),
				"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "RUN_ID=clitest")
			cmd.Env = append(cmd.Env, env...)
			out, err := cmd.CombinedOutput()
			for _, kv := range env {
				if secret, ok := strings.CutPrefix(kv, "AWS_SECRET_ACCESS_KEY="); ok && strings.Contains(string(out), secret) {
					t.Error("the AWS CLI run printed the admin secret")
				}
			}
			if err != nil {
				t.Fatalf("awscli-serve.sh with %s failed: %v\n%s", name, err, out)
			}
			if !strings.Contains(string(out), "PASS") {
				t.Fatalf("no PASS line:\n%s", out)
			}
			t.Logf("%s:\n%s", name, out)
		})
	}
}
