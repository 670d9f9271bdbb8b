package ledger

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Owner is the process writing a run's ledger, so that cleanup can tell
// a run still in progress from one a crash abandoned.
type Owner struct {
	PID  int    `json:"pid"`
	Host string `json:"host,omitempty"`
	// Start is when the process started, as the OS counts it (Linux: field 22
	// of /proc/<pid>/stat), so that another process given the same pid later
	// is not taken for the run.
	Start string `json:"start,omitempty"`
}

// LiveWindow is how recently a run whose process cannot be checked (its ledger
// comes from another host, or from a kmslab before owners were recorded) must
// have written its ledger to count as still running.
const LiveWindow = 10 * time.Minute

func currentOwner() *Owner {
	host, _ := os.Hostname()
	return &Owner{PID: os.Getpid(), Host: host, Start: processStart(os.Getpid())}
}

// processStart is the start time of process pid in clock ticks since boot,
// or "" where /proc cannot tell.
func processStart(pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return ""
	}
	// The command name (field 2) is in parentheses and may hold spaces.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return ""
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 20 {
		return ""
	}
	return f[19] // field 22: fields after the name start at field 3
}

// processAlive reports whether pid names a running process.
func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// Running says whether the run that wrote l is still in progress, and why:
// its process is alive on this host (the same process, not a reused pid), or,
// when the process cannot be checked from here, it wrote its ledger in the
// last LiveWindow. "" means it is not running.
func (l Ledger) Running(now time.Time) string {
	host, _ := os.Hostname()
	if o := l.Owner; o != nil && o.Host == host && o.PID > 0 {
		if !processAlive(o.PID) {
			return ""
		}
		if o.Start != "" && processStart(o.PID) != o.Start {
			return "" // the pid was given to another process since
		}
		if o.PID == os.Getpid() {
			return "" // this very process: cleanup taking over a run it named
		}
		return fmt.Sprintf("its process %d is still running", o.PID)
	}
	last := l.Active
	for _, e := range l.Resources {
		if e.Updated.After(last) {
			last = e.Updated
		}
	}
	if ago := now.Sub(last); !last.IsZero() && ago < LiveWindow && ago > -LiveWindow {
		return fmt.Sprintf("it wrote its ledger %s ago", ago.Round(time.Second))
	}
	return ""
}

// RunningRuns names the runs under stateDir still in progress, with why.
func RunningRuns(stateDir string, now time.Time) (map[string]string, error) {
	ledgers, err := Load(stateDir)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, l := range ledgers {
		if why := l.Running(now); why != "" {
			out[l.RunID] = why
		}
	}
	return out, nil
}
