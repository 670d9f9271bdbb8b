package audit

import (
	"bytes"
	"encoding/json"
	"strings"
	"syscall"
	"testing"
)

// fullDisk takes writes until full is set, then writes half of one and fails.
type fullDisk struct {
	bytes.Buffer
	full bool
}

func (f *fullDisk) Write(p []byte) (int, error) {
	if f.full {
		n, _ := f.Buffer.Write(p[:len(p)/2])
		return n, syscall.ENOSPC
	}
	return f.Buffer.Write(p)
}

// TestGuardedSinkFailsLoudly: a failing audit sink is reported once when it
// starts failing and once when it works again, with the count lost; every
// event is still tried; a torn line is ended so the file stays JSON lines; and
// the other sinks get every event all along.
func TestGuardedSinkFailsLoudly(t *testing.T) {
	t.Parallel()
	disk := &fullDisk{}
	var reports []string
	g := &Guarded{W: disk, Name: "audit.jsonl", Report: func(m string) { reports = append(reports, m) }}
	var other bytes.Buffer
	l := New(-1)
	l.SetSinks(g, &other)
	for i := range 6 {
		disk.full = i >= 2 && i < 5
		l.Record(Event{Name: "e", RequestID: string(rune('0' + i))})
	}
	if len(reports) != 2 || !strings.Contains(reports[0], "cannot write") || !strings.Contains(reports[0], "no space left") || !strings.Contains(reports[1], "3 events were lost") {
		t.Errorf("reports: %q", reports)
	}
	if g.Lost() != 3 {
		t.Errorf("Lost() = %d, want 3", g.Lost())
	}
	var got []string
	for line := range strings.SplitSeq(strings.TrimSpace(disk.String()), "\n") {
		var e Event
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			continue // the torn lines of the full disk
		}
		got = append(got, e.RequestID)
	}
	if strings.Join(got, "") != "015" {
		t.Errorf("the audit file holds events %q, want 0, 1 and 5 as lines of their own", got)
	}
	if n := strings.Count(other.String(), "\n"); n != 6 {
		t.Errorf("the other sink got %d events, want all 6", n)
	}
}
