package cli

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"kmslab/sim"
)

// TestServeSIGHUPRemovesSecretFile: closing the terminal (SIGHUP) stops
// serve as Ctrl-C does, and the admin's secret file goes with it.
func TestServeSIGHUPRemovesSecretFile(t *testing.T) {
	t.Parallel()
	bin := kmslabBinary(t)
	state := t.TempDir()
	addr := freeAddr(t)
	cmd := exec.Command(bin, "serve", "--addr", addr)
	cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+state, secretEnv+"=")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	for sc.Scan() && !strings.Contains(sc.Text(), "Ctrl-C") {
	}
	go func() {
		for sc.Scan() {
		}
	}()
	secret := filepath.Join(state, "kmslab", secretFileName("http://"+addr))
	if _, err := os.Stat(secret); err != nil {
		t.Fatalf("no secret file while serving: %v", err)
	}
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve ended with %v on SIGHUP", err)
		}
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("serve did not stop on SIGHUP")
	}
	if _, err := os.Stat(secret); !os.IsNotExist(err) {
		t.Errorf("the secret file is still there after SIGHUP (%v)", err)
	}
}

// TestServeRepair: serve refuses a damaged data dir in one sentence and
// changes nothing; with --repair it says what it saved and lost, keeps the
// damaged file, and serves.
func TestServeRepair(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	dir := filepath.Join(t.TempDir(), "data")
	srv, err := sim.New(sim.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "kmslab.db")
	if err := os.Truncate(path, 8192); err != nil {
		t.Fatal(err)
	}
	root := newRoot()
	root.SetArgs([]string{"serve", "--addr", freeAddr(t), "--data-dir", dir})
	root.SetOut(&strings.Builder{})
	root.SetErr(&strings.Builder{})
	err = root.Execute()
	if err == nil || !strings.Contains(err.Error(), "is damaged (it is 8192 bytes long") || !strings.Contains(err.Error(), "--repair") || strings.Count(err.Error(), ". ") > 0 {
		t.Fatalf("serve on a truncated data file: %v", err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Size() != 8192 {
		t.Fatalf("the refused file was changed: %v", err)
	}
	_, printed := startServeAt(t, freeAddr(t), "--data-dir", dir, "--repair")
	out := printed()
	if !strings.Contains(out, "The data file was damaged") || !strings.Contains(out, "The damaged file is kept as "+path+".damaged-") {
		t.Errorf("serve --repair printed:\n%s", out)
	}
	matches, _ := filepath.Glob(path + ".damaged-*")
	if len(matches) != 1 {
		t.Errorf("damaged files kept: %q", matches)
	}
}
