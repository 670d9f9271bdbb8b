package cli

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"kmslab/internal/testbin"
	"kmslab/sim"
)

// TestAWSCLIServe runs scripts/awscli-serve.sh, what `kmslab serve` offers beyond the lab
// (table resource policies, asymmetric and HMAC keys checked with openssl, data key pairs,
// multi-Region keys, multi-attribute GSI keys, IAM boundaries and signing certificates),
// with every AWS CLI version on the machine, side by side: each run is minutes of CLI
// calls, each against its own offline AWS (TestAWSCLILab covers how `serve` starts it).
func TestAWSCLIServe(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the AWS CLI many times")
	}
	testbin.CIOnly(t, "scripts/awscli-serve.sh")
	t.Parallel() // serial, it held the package's other tests for its whole run
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("no openssl to check signatures with")
	}
	script, _ := filepath.Abs("../scripts/awscli-serve.sh")
	for _, cli := range testbin.AWSCLIs(t) {
		awsBin, name := cli.Path, cli.Version
		t.Run(cli.Name(), func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithCancel(context.Background())
			srv, err := sim.Start(ctx, sim.Options{KeyCacheTTL: -1})
			if err != nil {
				cancel()
				t.Fatal(err)
			}
			t.Cleanup(func() { cancel(); _ = srv.Close() })
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
				"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "RUN_ID=clitest",
				"AWS_ENDPOINT_URL="+srv.URL, "AWS_REGION="+srv.Region,
				"AWS_ACCESS_KEY_ID="+srv.Admin.AccessKeyID, "AWS_SECRET_ACCESS_KEY="+srv.Admin.SecretAccessKey)
			out, err := cmd.CombinedOutput()
			if strings.Contains(string(out), srv.Admin.SecretAccessKey) {
				t.Error("the AWS CLI run printed the admin secret")
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
