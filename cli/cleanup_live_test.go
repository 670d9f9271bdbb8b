package cli

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"kmslab/awsops"
	"kmslab/awsops/ledger"
	"kmslab/sim"
)

// TestCleanupLeavesALiveRun: next to a run still in progress (its ledger
// names a live process), cleanup --yes offers nothing of it and says so;
// naming it with --run asks for its run id even with --yes; once its process
// is gone, cleanup removes it as any abandoned run.
func TestCleanupLeavesALiveRun(t *testing.T) {
	ctx := context.Background()
	srv, err := sim.Start(ctx, sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	state := t.TempDir()
	t.Setenv("AWS_ACCESS_KEY_ID", srv.Admin.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", srv.Admin.SecretAccessKey)
	t.Setenv("AWS_CONFIG_FILE", "/dev/null")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
	t.Setenv("AWS_PROFILE", "")
	cfg := aws.Config{Region: srv.Region, BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider(srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey, "")}
	const run = "liverun1longrunid234"
	lab, err := awsops.New(cfg, awsops.Options{RunID: run, StateDir: state})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lab.CreateKey(ctx); err != nil {
		t.Fatal(err)
	}

	// The run's process is another one, alive: a stand-in that sleeps.
	owner := exec.Command("sleep", "60")
	if err := owner.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = owner.Process.Kill(); _ = owner.Wait() })
	path := filepath.Join(state, "runs", run+".json")
	var l map[string]any
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &l); err != nil {
		t.Fatal(err)
	}
	o := l["owner"].(map[string]any)
	o["pid"], o["start"] = owner.Process.Pid, ""
	b, _ = json.Marshal(l)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}

	common := []string{"cleanup", "--endpoint-url", srv.URL, "--region", srv.Region, "--state-dir", state}
	out, err := runCLI(t, "", append(common, "--yes")...)
	want := "Left alone: run " + run + " is still running (its process " + strconv.Itoa(owner.Process.Pid) + " is still running)"
	if err != nil || !strings.Contains(out, want) || strings.Contains(out, "deleted") || strings.Contains(out, "scheduled") {
		t.Fatalf("cleanup --yes next to a live run: %v\n%s", err, out)
	}
	out, err = runCLI(t, "y\n", append(common, "--yes", "--run", run)...)
	if err != nil || !strings.Contains(out, "Type the run id") || !strings.Contains(out, "Nothing was changed") {
		t.Fatalf("cleanup --run of a live run answered y: %v\n%s", err, out)
	}
	if left, _ := ledger.Leftovers(ctx, cfg, state); len(left) == 0 {
		t.Fatal("the live run's resources were removed")
	}
	out, err = runCLI(t, run+"\n", append(common, "--run", run, "--dry-run=false")...)
	if err != nil || !strings.Contains(out, "All cleaned up") {
		t.Fatalf("cleanup --run confirmed with the run id: %v\n%s", err, out)
	}
}
