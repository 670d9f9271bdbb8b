package ledger

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestLedgerRunning: a run is in progress while its process lives (the same
// process: a reused pid does not count), or, when its process cannot be
// checked from this host, while it wrote its ledger in the last LiveWindow.
func TestLedgerRunning(t *testing.T) {
	alive := exec.Command("sleep", "60")
	if err := alive.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = alive.Process.Kill(); _ = alive.Wait() }()
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	host, _ := os.Hostname()
	now := time.Date(2026, 12, 7, 13, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name  string
		owner *Owner
		ago   time.Duration
		want  string
	}{
		{"live process, long quiet", &Owner{PID: alive.Process.Pid, Host: host, Start: processStart(alive.Process.Pid)}, time.Hour, "its process"},
		{"dead process, just written", &Owner{PID: dead.Process.Pid, Host: host}, time.Second, ""},
		{"pid reused by another process", &Owner{PID: alive.Process.Pid, Host: host, Start: "1"}, time.Second, ""},
		{"other host, recent", &Owner{PID: 1, Host: host + "-other"}, 2 * time.Minute, "wrote its ledger 2m0s ago"},
		{"other host, old", &Owner{PID: 1, Host: host + "-other"}, time.Hour, ""},
		{"no owner (older kmslab), recent", nil, time.Minute, "wrote its ledger"},
		{"no owner, old", nil, LiveWindow + time.Second, ""},
	} {
		l := Ledger{RunID: "run1", Owner: tc.owner, Active: now.Add(-tc.ago)}
		got := l.Running(now)
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%s: Running = %q, want %q", tc.name, got, tc.want)
		}
	}
}
