package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"kmslab/internal/sshwalk"
)

// Issue 24's targets for -workshop 50 on the project's 2-core machine.
const (
	wsTargetRSSPerSession = 15 << 20 // bytes
	wsTargetFirstScreen   = 500 * time.Millisecond
	wsTargetStep          = time.Second
)

// wsReport is one -workshop run.
type wsReport struct {
	N           int
	Failed      []string        // one line per attendee whose walk failed
	IdleRSS     int64           // KiB, the workshop before anyone connected
	ConnRSS     int64           // KiB, all N at their welcome screen
	PeakRSS     int64           // KiB, VmHWM after all N walked the lab
	CPU         time.Duration   // the workshop's user+system CPU during the walks
	ConnCPU     time.Duration   // the part of CPU until all N were at their welcome screen
	ClientCPU   time.Duration   // this process's (the attendees') CPU during the walks
	Wall        time.Duration   // from the first connection to the last summary
	FirstScreen []time.Duration // dial to welcome screen, per attendee
	Steps       [][]time.Duration
	LoadAvg     string
}

// stepNames are the walk's steps, in order.
var stepNames = sshwalk.StepNames()

// runWorkshop starts `kmslab workshop` (the real binary, --quiet, on a free
// loopback port) and has n attendees connect at once and each walk the whole
// lab to the summary, at 80x24 and 120x40 alternately. A cpuProfile path has
// the workshop write its CPU profile there, complete once this returns.
func runWorkshop(ctx context.Context, bin string, n int, cpuProfile string, progress io.Writer) (wsReport, error) {
	rep := wsReport{N: n, Steps: make([][]time.Duration, len(stepNames))}
	port, err := freePort()
	if err != nil {
		return rep, err
	}
	state, err := os.MkdirTemp("", "kmslab-bench-workshop-")
	if err != nil {
		return rep, err
	}
	defer os.RemoveAll(state)
	addr := "127.0.0.1:" + strconv.Itoa(port)
	cmd := exec.CommandContext(ctx, bin, "workshop", "--quiet", "--addr", addr, "--state-dir", state,
		"--max-sessions", strconv.Itoa(n))
	if cpuProfile != "" {
		abs, err := filepath.Abs(cpuProfile)
		if err != nil {
			return rep, err
		}
		cmd.Args = append(cmd.Args, "--cpuprofile", abs)
	}
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		return rep, err
	}
	srv := &server{cmd: cmd}
	defer srv.stop()
	if err := waitPort(ctx, port, 30*time.Second); err != nil {
		return rep, err
	}
	pid := cmd.Process.Pid
	if m, err := readProcMem(pid); err == nil {
		rep.IdleRSS = m.RSSKiB
	}
	rep.LoadAvg = loadAvg()

	// Everyone connects, then everyone walks: the RSS in between is N
	// sessions alive at once.
	terms := make([]*sshwalk.Term, n)
	firsts := make([]time.Duration, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := time.Now()
	cpu0, _ := procCPU(pid)
	self0, _ := procCPU(os.Getpid())
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cols, rows := 80, 24
			if i%2 == 1 {
				cols, rows = 120, 40
			}
			t0 := time.Now()
			c, err := sshwalk.Dial(addr, fmt.Sprintf("attendee%02d", i))
			if err != nil {
				errs[i] = err
				return
			}
			term, err := sshwalk.Open(c, cols, rows)
			if err != nil {
				_ = c.Close()
				errs[i] = err
				return
			}
			terms[i] = term
			wctx, cancel := context.WithTimeout(ctx, time.Minute)
			defer cancel()
			if err := term.WaitWelcome(wctx); err != nil {
				errs[i] = err
				return
			}
			firsts[i] = time.Since(t0)
		}()
	}
	wg.Wait()
	if cpu, err := procCPU(pid); err == nil {
		rep.ConnCPU = cpu - cpu0
	}
	if m, err := readProcMem(pid); err == nil {
		rep.ConnRSS = m.RSSKiB
	}
	fmt.Fprintf(progress, "workshop: %d attendees at their welcome screen\n", n)
	var mu sync.Mutex
	for i := range n {
		if errs[i] != nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			wctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
			defer cancel()
			took, err := terms[i].WalkTo(wctx, len(stepNames)+1)
			mu.Lock()
			defer mu.Unlock()
			for s, d := range took {
				rep.Steps[s] = append(rep.Steps[s], d)
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	rep.Wall = time.Since(start)
	if m, err := readProcMem(pid); err == nil {
		rep.PeakRSS = m.PeakRSSKiB
	}
	if cpu1, err := procCPU(pid); err == nil {
		rep.CPU = cpu1 - cpu0
	}
	if self1, err := procCPU(os.Getpid()); err == nil {
		rep.ClientCPU = self1 - self0
	}
	for i, t := range terms {
		if t != nil {
			_ = t.Send("\r") // leave from the summary
			t.Close()
		}
		if errs[i] != nil {
			rep.Failed = append(rep.Failed, fmt.Sprintf("attendee%02d: %s", i, firstLine(errs[i].Error())))
		} else {
			rep.FirstScreen = append(rep.FirstScreen, firsts[i])
		}
	}
	rep.LoadAvg += " -> " + loadAvg()
	_ = cmd.Process.Signal(syscall.SIGTERM)
	return rep, nil
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

func verdict(ok bool) string {
	if ok {
		return "pass"
	}
	return "miss"
}

// writeWorkshop prints the run as markdown, targets first.
func writeWorkshop(w io.Writer, rep wsReport) error {
	var b strings.Builder
	fmt.Fprintf(&b, "### kmslab workshop, %d attendees at once (issue 24)\n\n", rep.N)
	fmt.Fprintf(&b, "%s, %d attendees walking the whole lab to the summary, half at 80x24 and half at 120x40. Load average (1, 5, 15 min) at start -> end: %s.\n\n",
		time.Now().UTC().Format(time.RFC3339), rep.N, rep.LoadAvg)
	perSession := int64(0)
	if rep.N > 0 {
		perSession = (rep.PeakRSS - rep.IdleRSS) * 1024 / int64(rep.N)
	}
	slices.Sort(rep.FirstScreen)
	fs50, fs95 := percentile(rep.FirstScreen, 50), percentile(rep.FirstScreen, 95)
	worst, worstName := time.Duration(0), ""
	for s, d := range rep.Steps {
		slices.Sort(d)
		if p := percentile(d, 95); p >= worst {
			worst, worstName = p, stepNames[s]
		}
	}
	b.WriteString("| target | want | measured | |\n|---|---|---|---|\n")
	fmt.Fprintf(&b, "| host RSS per session | ≤ 15 MB | %.1f MiB ((peak %.1f MiB − idle %.1f MiB) / %d) | %s |\n",
		float64(perSession)/(1<<20), float64(rep.PeakRSS)/1024, float64(rep.IdleRSS)/1024, rep.N, verdict(perSession <= wsTargetRSSPerSession))
	fmt.Fprintf(&b, "| time to first screen, p95 | ≤ 500 ms | %.0f ms (p50 %.0f ms) | %s |\n", ms(fs95), ms(fs50), verdict(fs95 <= wsTargetFirstScreen && len(rep.FirstScreen) > 0))
	fmt.Fprintf(&b, "| slowest step, p95 | ≤ 1 s | %.0f ms (%s) | %s |\n", ms(worst), worstName, verdict(worst <= wsTargetStep))
	fmt.Fprintf(&b, "| attendees who finished | all %d | %d | %s |\n\n", rep.N, rep.N-len(rep.Failed), verdict(len(rep.Failed) == 0))
	b.WriteString("| step | p50 | p95 | max |\n|---|---|---|---|\n")
	for s, d := range rep.Steps {
		if len(d) == 0 {
			continue
		}
		fmt.Fprintf(&b, "| %s | %.0f ms | %.0f ms | %.0f ms |\n", stepNames[s], ms(percentile(d, 50)), ms(percentile(d, 95)), ms(d[len(d)-1]))
	}
	fmt.Fprintf(&b, "\nRSS: %.1f MiB idle, %.1f MiB with all %d at their welcome screen, %.1f MiB peak (VmHWM).\n",
		float64(rep.IdleRSS)/1024, float64(rep.ConnRSS)/1024, rep.N, float64(rep.PeakRSS)/1024)
	fmt.Fprintf(&b, "CPU from the first connection to the last summary (%.1f s of wall time): the workshop %.1f s (%.0f ms per attendee, of which %.0f ms to the first screen), the %d attendees' SSH clients and virtual terminals (this process, on the same cores) %.1f s.\n",
		rep.Wall.Seconds(), rep.CPU.Seconds(), ms(rep.CPU)/float64(max(rep.N, 1)), ms(rep.ConnCPU)/float64(max(rep.N, 1)), rep.N, rep.ClientCPU.Seconds())
	for _, f := range rep.Failed {
		fmt.Fprintf(&b, "\n- failed: %s", f)
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}
