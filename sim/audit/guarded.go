package audit

import (
	"fmt"
	"io"
	"sync"
)

// Guarded is an audit sink that says when it fails. The audit log is a
// promise to the person reading it, so a failure is never silent: the first
// failed write is reported (once, not once per call), every later event is
// still tried, and when writing works again the number of events lost is
// reported. Lost tells the total at the end.
type Guarded struct {
	W      io.Writer
	Name   string           // the file, for the messages
	Report func(msg string) // one sentence each, e.g. to stderr

	mu      sync.Mutex
	failing bool
	partial bool // the last failed write left part of a line
	lost    int  // events lost since it started failing
	total   int
}

func (g *Guarded) Write(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.partial {
		// End the torn line, so the next one is a line of its own.
		if _, err := g.W.Write([]byte{'\n'}); err == nil {
			g.partial = false
		}
	}
	var n int
	var err error
	if !g.partial {
		n, err = g.W.Write(p)
	} else {
		err = io.ErrShortWrite
	}
	if err != nil {
		g.partial = g.partial || n > 0
		g.lost++
		g.total++
		if !g.failing {
			g.failing = true
			g.Report(fmt.Sprintf("audit log %s: cannot write to it (%v); events are lost from it until it can be written again, and the data dir's trail, if any, goes on", g.Name, err))
		}
		return n, err
	}
	if g.failing {
		g.failing = false
		g.Report(fmt.Sprintf("audit log %s: written again; %d events were lost from it", g.Name, g.lost))
		g.lost = 0
	}
	return n, nil
}

// Lost is how many events could not be written in all.
func (g *Guarded) Lost() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.total
}
