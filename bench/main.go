// Command bench compares kmslab's offline AWS (sim) with moto_server, driving both
// with the same aws-sdk-go-v2 code: startup time to the first successful call,
// per-call latency percentiles and throughput of the lab's calls, server memory
// and CPU, and a behaviour table of the lab's decisive check and of how each
// server's errors reach the SDK.
//
//	go run ./bench [-n 200] [-items 1000] [-scans 20] [-c 4] [-pairs 1500] [-memitems 20000]
//	               [-starts 9] [-moto PATH|skip] [-kmslab PATH] [-json]
//	go run ./bench -workshop 50 [-kmslab PATH]
//
// -workshop N measures kmslab workshop alone (workshop.go): N concurrent SSH
// attendees each walk the whole lab.
//
// Every server runs as a process of its own on 127.0.0.1: the real `kmslab
// serve` binary (built from this module unless -kmslab names one), moto_server,
// and a trivial server answering {} to everything (this binary re-executed),
// which is the ceiling: what the SDK itself costs per call on loopback. The
// in-process sim.Start, which the TUI uses, is timed on its own. Issue 13's
// targets (start, pairs of calls against moto and the ceiling, memory, the
// offline lab, the TUI's first screen) are printed first, each with pass/miss.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"slices"
	"syscall"
	"time"

	"kmslab/sim"
)

// Result is one server's measurements.
type Result struct {
	Server    string  `json:"server"`
	Note      string  `json:"note,omitempty"`
	StartupMs float64 `json:"startup_ms"`    // exec to first successful KMS ListKeys
	IdleMem   procMem `json:"idle_memory"`   // right after startup
	Mem       procMem `json:"memory"`        // after the workload; PeakRSSKiB is the run's high-water mark
	CPUms     float64 `json:"server_cpu_ms"` // user+system CPU the server process used during the workload
	Perf      perf    `json:"perf"`
	Err       string  `json:"error,omitempty"`
	pid       int
}

// Report is everything one run measured.
type Report struct {
	Date           string             `json:"date"`
	Go             string             `json:"go"`
	CPUs           int                `json:"cpus"`
	Sizes          sizes              `json:"sizes"`
	MotoPath       string             `json:"moto_path,omitempty"`
	Notes          []string           `json:"notes,omitempty"`
	InProcess      []float64          `json:"inprocess_startup_ms"` // sim.Start to first successful call, several runs
	Results        []Result           `json:"results"`
	Targets        []Target           `json:"targets"`
	Pairs          []pairRate         `json:"pairs"`
	Memory         memoryFigures      `json:"memory"`
	ServeStarts    []float64          `json:"serve_start_ms"` // exec of `kmslab serve` to first successful call
	VersionRuns    []float64          `json:"version_ms"`     // exec of `kmslab version` to exit
	VersionCPU     []float64          `json:"version_cpu_ms"` // its user+system CPU time
	TUIFirst       []float64          `json:"tui_first_ms"`   // exec of `kmslab` in a pty to its first screen
	LabWallMs      float64            `json:"lab_wall_ms"`    // `kmslab run --seed 1`
	LoadAvg        string             `json:"load_average"`   // /proc/loadavg at the start and the end
	Behaviour      map[string][]Check `json:"behaviour"`
	BehaviourOrder []string           `json:"behaviour_servers"`
}

func main() {
	var (
		n         = flag.Int("n", 200, "requests per operation (and per client in the concurrent run)")
		items     = flag.Int("items", 1000, "items in the scanned table")
		scans     = flag.Int("scans", 20, "full scans of that table")
		conc      = flag.Int("c", 4, "concurrent clients for the throughput runs")
		nPairs    = flag.Int("pairs", 1500, "pairs of calls per client in the pair runs")
		memItems  = flag.Int("memitems", 20000, "small items stored to measure memory per item")
		starts    = flag.Int("starts", 9, "starts of kmslab serve, runs of kmslab version and TUI starts")
		binFlag   = flag.String("kmslab", "", "kmslab binary to measure (empty: build it from this module)")
		motoFlag  = flag.String("moto", "", `moto_server to compare with: a path, "skip", or empty to look it up in PATH`)
		jsonOut   = flag.Bool("json", false, "print the report as JSON instead of markdown tables")
		timeout   = flag.Duration("timeout", 20*time.Minute, "stop everything after this long")
		attendees = flag.Int("workshop", 0, "measure only kmslab workshop, with this many SSH attendees at once")
		cpuProf   = flag.String("cpuprofile", "", "with -workshop: write a CPU profile of the workshop (not of the attendees) to this file")
	)
	if serveChild() {
		return
	}
	flag.Parse()
	if *n < 1 || *items < 1 || *scans < 1 || *conc < 1 || *nPairs < 1 || *memItems < 1 || *starts < 1 {
		fmt.Fprintln(os.Stderr, "bench: -n, -items, -scans, -c, -pairs, -memitems and -starts must be at least 1")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()

	bin := *binFlag
	if bin == "" {
		var cleanup func()
		var err error
		if bin, cleanup, err = buildKmslab(); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		defer cleanup()
	}
	if *attendees > 0 {
		rep, err := runWorkshop(ctx, bin, *attendees, *cpuProf, os.Stderr)
		if err == nil {
			err = writeWorkshop(os.Stdout, rep)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		return
	}
	rep := run(ctx, sizes{N: *n, Items: *items, Scans: *scans, Conc: *conc, Pairs: *nPairs, MemItems: *memItems, Starts: *starts}, *motoFlag, bin, os.Stderr)
	var err error
	if *jsonOut {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(rep)
	} else {
		err = writeMarkdown(os.Stdout, rep)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// findMoto resolves the -moto flag; "" means not available (with the reason).
func findMoto(flagValue string) (path, note string) {
	switch flagValue {
	case "skip":
		return "", "moto column skipped (-moto=skip)"
	case "":
		p, err := exec.LookPath("moto_server")
		if err != nil {
			return "", "moto column skipped: moto_server not found in PATH"
		}
		return p, ""
	}
	if _, err := os.Stat(flagValue); err != nil {
		return "", fmt.Sprintf("moto column skipped: %v", err)
	}
	return flagValue, ""
}

func run(ctx context.Context, sz sizes, motoFlag, bin string, log io.Writer) Report {
	rep := Report{
		Date:      time.Now().UTC().Format(time.RFC3339),
		Go:        runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH,
		CPUs:      runtime.NumCPU(),
		Sizes:     sz,
		Behaviour: map[string][]Check{},
		LoadAvg:   loadAvg(),
	}
	motoPath, note := findMoto(motoFlag)
	rep.MotoPath = motoPath
	if note != "" {
		rep.Notes = append(rep.Notes, note)
	}

	logf := func(format string, args ...any) { fmt.Fprintf(log, "bench: "+format+"\n", args...) }

	logf("in-process sim.Start to first call, 5 runs")
	for range 5 {
		ms, err := inProcessStartup(ctx)
		if err != nil {
			rep.Notes = append(rep.Notes, "in-process startup: "+err.Error())
			break
		}
		rep.InProcess = append(rep.InProcess, ms)
	}

	type target struct {
		name  string
		start func() (*server, error)
	}
	targets := []target{
		{"kmslab", func() (*server, error) { return startKmslab(ctx, "kmslab", bin, false) }},
		{"kmslab (NoKeyCache)", func() (*server, error) { return startKmslab(ctx, "kmslab (NoKeyCache)", bin, true) }},
	}
	if motoPath != "" {
		targets = append(targets, target{"moto", func() (*server, error) { return startMoto(ctx, "moto", motoPath, -1) }})
	}
	for _, t := range targets {
		if ctx.Err() != nil {
			break
		}
		logf("%s: start and workload", t.name)
		rep.Results = append(rep.Results, measure(ctx, t.name, t.start, sz))
	}

	measureTargets(ctx, &rep, sz, bin, motoPath, logf)

	behaviourTargets := []target{{"kmslab", targets[0].start}}
	if motoPath != "" {
		behaviourTargets = append(behaviourTargets,
			target{"moto", func() (*server, error) { return startMoto(ctx, "moto", motoPath, -1) }},
			target{"moto (IAM auth on)", func() (*server, error) { return startMoto(ctx, "moto (IAM auth on)", motoPath, 3) }})
	}
	for _, t := range behaviourTargets {
		if ctx.Err() != nil {
			break
		}
		logf("%s: behaviour", t.name)
		checks, err := behaviour(ctx, t.start, t.name != "moto (IAM auth on)")
		if err != nil {
			rep.Notes = append(rep.Notes, fmt.Sprintf("behaviour on %s stopped early: %v", t.name, err))
		}
		rep.Behaviour[t.name] = checks
		rep.BehaviourOrder = append(rep.BehaviourOrder, t.name)
	}
	if ctx.Err() != nil {
		rep.Notes = append(rep.Notes, "run cut short: "+ctx.Err().Error())
	}
	rep.LoadAvg += " -> " + loadAvg()
	return rep
}

// inProcessStartup is what the TUI pays: sim.Start, then the SDK's first call succeeds.
func inProcessStartup(ctx context.Context) (float64, error) {
	t0 := time.Now()
	srv, err := sim.Start(ctx, sim.Options{})
	if err != nil {
		return 0, err
	}
	defer srv.Close()
	ep := endpoint{URL: srv.URL, Region: srv.Region, ID: srv.Admin.AccessKeyID, Secret: srv.Admin.SecretAccessKey}
	if err := firstCall(ctx, ep, 10*time.Second); err != nil {
		return 0, err
	}
	return ms(time.Since(t0)), nil
}

func measure(ctx context.Context, name string, start func() (*server, error), sz sizes) Result {
	r := Result{Server: name}
	s, err := start()
	if err != nil {
		r.Err = err.Error()
		return r
	}
	defer s.stop()
	r.StartupMs = ms(s.startup)
	r.pid = s.cmd.Process.Pid
	r.IdleMem, _ = readProcMem(r.pid)
	cpu0, _ := procCPU(r.pid)
	r.Perf, err = runPerf(ctx, s.ep, sz)
	if err != nil {
		r.Err = err.Error()
	}
	cpu1, _ := procCPU(r.pid)
	r.CPUms = ms(cpu1 - cpu0)
	r.Mem, _ = readProcMem(r.pid)
	return r
}

func behaviour(ctx context.Context, start func() (*server, error), openAuth bool) ([]Check, error) {
	s, err := start()
	if err != nil {
		return nil, err
	}
	defer s.stop()
	ep := s.ep
	if !openAuth {
		if ep, err = bootstrapMotoAdmin(ctx, ep); err != nil {
			return nil, err
		}
	}
	return runBehaviour(ctx, ep)
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}
