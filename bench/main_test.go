package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"kmslab/internal/sdkhttp"
	"kmslab/internal/testbin"
	"os"
	"strings"
	"testing"
	"time"
)

// TestMain lets the test binary serve as the trivial server, as the bench binary does.
func TestMain(m *testing.M) {
	if serveChild() {
		return
	}
	os.Exit(m.Run())
}

// TestRunWithoutMoto runs the whole bench small, with moto skipped: both sim
// columns must measure every operation without errors, and the offline AWS must
// answer every behaviour check as AWS does.
func TestRunWithoutMoto(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the kmslab binary and its TUI several times")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rep := run(ctx, sizes{N: 5, Items: 60, Scans: 2, Conc: 2, Pairs: 5, MemItems: 50, Starts: 1}, "skip", testbin.Kmslab(t), io.Discard)

	if len(rep.Notes) != 1 || !strings.Contains(rep.Notes[0], "skipped") {
		t.Fatalf("notes %q, want only the moto skip note", rep.Notes)
	}
	if len(rep.VersionRuns) != 1 || len(rep.ServeStarts) != 1 || len(rep.TUIFirst) != 1 || rep.LabWallMs <= 0 {
		t.Fatalf("version %v, serve starts %v, TUI %v, lab %v ms: each must be measured", rep.VersionRuns, rep.ServeStarts, rep.TUIFirst, rep.LabWallMs)
	}
	if len(rep.Pairs) != 4 {
		t.Fatalf("pairs %+v, want two workloads on kmslab and on the trivial server", rep.Pairs)
	}
	for _, p := range rep.Pairs {
		if p.Errors != 0 || p.PerSec <= 0 {
			t.Fatalf("pairs %+v", p)
		}
	}
	if m := rep.Memory; m.Items != 50 || len(m.SteadyRSSKiB) == 0 || m.AfterLoadKiB <= 0 {
		t.Fatalf("memory %+v", m)
	}
	for _, tg := range rep.Targets {
		if tg.Got == "not measured" && !strings.Contains(tg.Name, "vs moto") {
			t.Errorf("target %q not measured", tg.Name)
		}
	}
	if len(rep.InProcess) != 5 {
		t.Fatalf("in-process startup runs %v", rep.InProcess)
	}
	if len(rep.Results) != 2 {
		t.Fatalf("%d results, want the two sim columns", len(rep.Results))
	}
	for _, r := range rep.Results {
		if r.Err != "" {
			t.Fatalf("%s: %s", r.Server, r.Err)
		}
		if r.StartupMs <= 0 || r.Mem.PeakRSSKiB <= 0 {
			t.Fatalf("%s: startup %v ms, peak RSS %v KiB", r.Server, r.StartupMs, r.Mem.PeakRSSKiB)
		}
		if len(r.Perf.Ops) != 7 {
			t.Fatalf("%s: %d ops measured", r.Server, len(r.Perf.Ops))
		}
		for _, st := range append(r.Perf.Ops, r.Perf.Throughput) {
			want := 5
			if strings.HasPrefix(st.Op, "Scan") {
				want = 2
			}
			if strings.HasPrefix(st.Op, "GetItem x") {
				want = 10
			}
			if st.Errors != 0 || st.Count != want || st.P50ms <= 0 || st.P99ms < st.P50ms {
				t.Fatalf("%s %s: %+v", r.Server, st.Op, st)
			}
		}
	}
	checks := rep.Behaviour["kmslab"]
	if len(checks) != 14 {
		t.Fatalf("%d kmslab checks", len(checks))
	}
	for _, c := range checks {
		if !c.Match || !c.Parsed {
			t.Errorf("kmslab %q: got %s (%s), AWS %s", c.Name, c.Got, c.Detail, c.AWS)
		}
	}

	var md, js bytes.Buffer
	if err := writeMarkdown(&md, rep); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| kmslab | kmslab (NoKeyCache) |", "✓ AccessDeniedException", "moto column skipped", "## Targets (issue 13)", "| trivial {} server | Encrypt+Decrypt |"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	if err := json.NewEncoder(&js).Encode(rep); err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || len(back.Results) != 2 {
		t.Fatalf("JSON round trip: %v (%d results)", err, len(back.Results))
	}
}

func TestFindMoto(t *testing.T) {
	if p, note := findMoto("skip"); p != "" || !strings.Contains(note, "skip") {
		t.Fatalf("skip: %q %q", p, note)
	}
	if p, note := findMoto("/nonexistent/moto_server"); p != "" || !strings.Contains(note, "skipped") {
		t.Fatalf("missing path: %q %q", p, note)
	}
	t.Setenv("PATH", t.TempDir())
	if p, note := findMoto(""); p != "" || !strings.Contains(note, "not found") {
		t.Fatalf("absent from PATH: %q %q", p, note)
	}
}

func TestReadProc(t *testing.T) {
	m, err := readProcMem(os.Getpid())
	if err != nil || m.PeakRSSKiB <= 0 || m.RSSKiB <= 0 || m.RSSKiB > m.PeakRSSKiB {
		t.Fatalf("readProcMem: %+v %v", m, err)
	}
	if _, err := procCPU(os.Getpid()); err != nil {
		t.Fatal(err)
	}
	if _, err := readProcMem(-1); err == nil {
		t.Fatal("readProcMem(-1) succeeded")
	}
}

// TestEndpointConfigIsGuarded: bench makes one attempt per sample, so its
// clients need the SDK race fix (internal/sdkhttp) or large Scans fail under load.
func TestEndpointConfigIsGuarded(t *testing.T) {
	if !sdkhttp.Guarded(endpoint{URL: "http://127.0.0.1:1", Region: "us-east-1"}.admin()) {
		t.Fatal("bench clients lack sdkhttp.Guard")
	}
}
