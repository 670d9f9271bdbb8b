package main

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// writeMarkdown prints the report as markdown tables, readable in a terminal
// and pasteable into bench/README.md.
func writeMarkdown(w io.Writer, rep Report) error {
	b := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }

	p("# kmslab offline AWS vs moto_server\n\n")
	p("%s, %s, %d CPUs; -n %d -items %d -scans %d -c %d\n\n", rep.Date, rep.Go, rep.CPUs, rep.Sizes.N, rep.Sizes.Items, rep.Sizes.Scans, rep.Sizes.Conc)
	if rep.MotoPath != "" {
		p("moto_server: %s\n\n", rep.MotoPath)
	}
	for _, n := range rep.Notes {
		p("- note: %s\n", n)
	}
	if len(rep.Notes) > 0 {
		p("\n")
	}

	p("Load average (1, 5, 15 min) at start -> end: %s\n\n", rep.LoadAvg)

	p("## Targets (issue 13)\n\n| target | want | measured | |\n|---|---|---|---|\n")
	for _, t := range rep.Targets {
		verdict := "miss"
		if t.Pass {
			verdict = "pass"
		}
		p("| %s | %s | %s | %s |\n", t.Name, t.Want, t.Got, verdict)
	}
	if len(rep.Pairs) > 0 {
		p("\n### Pairs of calls, %d clients x %d pairs each\n\n| server | operation | pairs/s | errors |\n|---|---|---|---|\n", rep.Sizes.Conc, rep.Sizes.Pairs)
		for _, r := range rep.Pairs {
			errs := strconv.Itoa(r.Errors)
			if r.FirstErr != "" {
				errs += " (" + clip(r.FirstErr, 80) + ")"
			}
			p("| %s | %s | %.0f | %s |\n", r.Server, r.Op, r.PerSec, errs)
		}
	}
	p("\nOffline lab, `kmslab run --seed 1`: %.0f ms wall.\n", rep.LabWallMs)
	if len(rep.VersionCPU) > 0 {
		p("`kmslab version` CPU time (user+system): median %.1f ms (min %.1f); wall time on a loaded machine is mostly waiting for a core.\n", median(rep.VersionCPU), minOf(rep.VersionCPU))
	}
	p("\n")

	p("## Startup and resources\n\n")
	p("| | %s |\n|---|%s\n", strings.Join(names(rep.Results), " | "), strings.Repeat("---|", len(rep.Results)))
	row := func(label string, f func(Result) string) {
		cells := make([]string, len(rep.Results))
		for i, r := range rep.Results {
			cells[i] = f(r)
		}
		p("| %s | %s |\n", label, strings.Join(cells, " | "))
	}
	row("startup: exec to first successful call (this run)", func(r Result) string { return fmt.Sprintf("%.0f ms", r.StartupMs) })
	row("RSS after startup (VmRSS)", func(r Result) string { return mib(r.IdleMem.RSSKiB) })
	row("peak RSS over the run (VmHWM)", func(r Result) string { return mib(r.Mem.PeakRSSKiB) })
	row("server CPU time for the workload", func(r Result) string { return fmt.Sprintf("%.2f s", r.CPUms/1000) })
	row("load scan table (BatchWriteItem)", func(r Result) string { return fmt.Sprintf("%.0f ms", r.Perf.LoadItems) })
	for _, r := range rep.Results {
		if r.Err != "" {
			p("\n%s failed: %s\n", r.Server, r.Err)
		}
	}
	if len(rep.InProcess) > 0 {
		p("\nIn-process (what the TUI does): sim.Start to first successful SDK call, median %.1f ms (min %.1f, max %.1f, %d runs).\n",
			median(rep.InProcess), slices.Min(rep.InProcess), slices.Max(rep.InProcess), len(rep.InProcess))
	}

	p("\n## Latency per call (ms: p50 / p95 / p99) and sequential throughput\n\n")
	p("| operation | %s |\n|---|%s\n", strings.Join(names(rep.Results), " | "), strings.Repeat("---|", len(rep.Results)))
	var ops []string
	for _, r := range rep.Results {
		for _, st := range append(slices.Clone(r.Perf.Ops), r.Perf.Throughput) {
			if st.Op != "" && !slices.Contains(ops, st.Op) {
				ops = append(ops, st.Op)
			}
		}
	}
	for _, op := range ops {
		cells := make([]string, len(rep.Results))
		for i, r := range rep.Results {
			cells[i] = "-"
			for _, st := range append(slices.Clone(r.Perf.Ops), r.Perf.Throughput) {
				if st.Op == op {
					cells[i] = statCell(st)
				}
			}
		}
		p("| %s | %s |\n", op, strings.Join(cells, " | "))
	}
	for _, r := range rep.Results {
		for _, st := range append(slices.Clone(r.Perf.Ops), r.Perf.Throughput) {
			if st.Errors > 0 {
				p("\n%s %s: %d errors, first: %s\n", r.Server, st.Op, st.Errors, st.FirstErr)
			}
		}
	}

	if len(rep.BehaviourOrder) > 0 {
		p("\n## Behaviour (✓ = answers as AWS does)\n\n")
		p("| check | AWS | %s |\n|---|---|%s\n", strings.Join(rep.BehaviourOrder, " | "), strings.Repeat("---|", len(rep.BehaviourOrder)))
		var checks []Check
		for _, name := range rep.BehaviourOrder {
			for _, c := range rep.Behaviour[name] {
				if !slices.ContainsFunc(checks, func(x Check) bool { return x.Name == c.Name }) {
					checks = append(checks, c)
				}
			}
		}
		for _, c := range checks {
			cells := make([]string, len(rep.BehaviourOrder))
			for i, name := range rep.BehaviourOrder {
				cells[i] = "-"
				for _, got := range rep.Behaviour[name] {
					if got.Name == c.Name {
						cells[i] = checkCell(got)
					}
				}
			}
			p("| %s | %s | %s |\n", c.Name, c.AWS, strings.Join(cells, " | "))
		}
		p("\nWhat each server said:\n\n")
		for _, name := range rep.BehaviourOrder {
			for _, c := range rep.Behaviour[name] {
				if c.Detail == "" && c.Match {
					continue
				}
				p("- %s, %s: HTTP %d %s; %s: %s\n", name, c.Name, c.Status, c.Body, c.Got, clip(c.Detail, 400))
			}
		}
	}
	return b.Flush()
}

func names(rs []Result) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Server
	}
	return out
}

func mib(kib int64) string {
	if kib == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f MiB", float64(kib)/1024)
}

func statCell(st Stats) string {
	if st.Count == 0 {
		return fmt.Sprintf("all %d failed", st.Errors)
	}
	s := fmt.Sprintf("%s / %s / %s, %.0f/s", num(st.P50ms), num(st.P95ms), num(st.P99ms), st.OpsPerSec)
	if st.Errors > 0 {
		s += fmt.Sprintf(" (%d errors)", st.Errors)
	}
	return s
}

// num prints a latency with two significant decimals below 10 ms.
func num(v float64) string {
	if v < 10 {
		return fmt.Sprintf("%.2f", v)
	}
	return fmt.Sprintf("%.0f", v)
}

func checkCell(c Check) string {
	mark := "✗"
	if c.Match {
		mark = "✓"
	}
	got := c.Got
	if !c.Parsed {
		got += " (SDK could not parse)"
	}
	return mark + " " + got
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
