package cli

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"

	"kmslab/sim"
)

// cancelOn is an output that cancels the run once it has printed mark, as a
// Ctrl-C at that moment would.
type cancelOn struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	mark   string
	cancel context.CancelFunc
}

func (c *cancelOn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n, err := c.buf.Write(p)
	if strings.Contains(c.buf.String(), c.mark) {
		c.cancel()
	}
	return n, err
}

// TestRunInterruptedDuringCleanup: a Ctrl-C while the cleanup step runs cuts
// that step short, and the cleanup after the interruption removes the rest;
// the last word is then about that cleanup ("everything ... cleaned up"), not
// the interrupted step's failure right under a list of deletions.
func TestRunInterruptedDuringCleanup(t *testing.T) {
	srv, err := sim.Start(context.Background(), sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	t.Setenv("AWS_ACCESS_KEY_ID", srv.Admin.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", srv.Admin.SecretAccessKey)
	t.Setenv("AWS_CONFIG_FILE", "/dev/null")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
	t.Setenv("AWS_PROFILE", "")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &cancelOn{mark: "━━ Clean up", cancel: cancel}
	root := newRoot()
	root.SetArgs([]string{"run", "--endpoint-url", srv.URL, "--region", srv.Region, "--yes"})
	root.SetOut(out)
	root.SetErr(&bytes.Buffer{})
	err = root.ExecuteContext(ctx)
	text := out.buf.String()
	if err == nil || !strings.Contains(text, "Interrupted: cleaning up what was created") {
		t.Fatalf("run interrupted in its cleanup step: %v\n%s", err, text)
	}
	last := text[strings.LastIndex(text, "Interrupted: cleaning up"):]
	if strings.Contains(last, "✗") {
		t.Fatalf("the cleanup after the interruption failed:\n%s", last)
	}
	if strings.Contains(last, "could not be removed") || !strings.Contains(last, "everything it created was cleaned up") {
		t.Errorf("the last word after a complete cleanup:\n%s", last)
	}
}
