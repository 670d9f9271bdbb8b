package cli

import (
	"bufio"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServeStopsOnSignals: the real binary stops cleanly, exit 0, on SIGINT and on SIGTERM.
func TestServeStopsOnSignals(t *testing.T) {
	t.Parallel()
	bin := kmslabBinary(t)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0")
			cmd.Env = append(cmd.Environ(), "XDG_STATE_HOME="+t.TempDir())
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			sc := bufio.NewScanner(stdout)
			var seen strings.Builder
			for sc.Scan() {
				seen.WriteString(sc.Text() + "\n")
				if strings.Contains(sc.Text(), "Ctrl-C") {
					break
				}
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() {
				for sc.Scan() {
					seen.WriteString(sc.Text() + "\n")
				}
				done <- cmd.Wait()
			}()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("serve exited with %v after %v:\n%s", err, sig, seen.String())
				}
			case <-time.After(10 * time.Second):
				_ = cmd.Process.Kill()
				t.Fatalf("serve did not stop on %v", sig)
			}
			if !strings.Contains(seen.String(), "stopping") {
				t.Fatalf("no clean stop message:\n%s", seen.String())
			}
		})
	}
}
