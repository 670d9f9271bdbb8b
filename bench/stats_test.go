package main

import (
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	ten := []time.Duration{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	tests := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"single", []time.Duration{7}, 99, 7},
		{"median of ten", ten, 50, 5},
		{"p95 of ten", ten, 95, 10},
		{"p10 of ten", ten, 10, 1},
		{"p11 of ten", ten, 11, 2},
		{"p100", ten, 100, 10},
		{"tiny p", ten, 0.001, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := percentile(tc.sorted, tc.p); got != tc.want {
				t.Fatalf("percentile(%v, %v) = %v, want %v", tc.sorted, tc.p, got, tc.want)
			}
		})
	}
}

func TestSummarise(t *testing.T) {
	var samples []time.Duration
	for i := 100; i >= 1; i-- { // unsorted on purpose
		samples = append(samples, time.Duration(i)*time.Millisecond)
	}
	st := summarise("Op", samples, 2, "boom", 10*time.Second)
	if st.Count != 100 || st.Errors != 2 || st.FirstErr != "boom" {
		t.Fatalf("counts %+v", st)
	}
	if st.P50ms != 50 || st.P95ms != 95 || st.P99ms != 99 || st.MaxMs != 100 || st.MeanMs != 50.5 {
		t.Fatalf("percentiles %+v", st)
	}
	if st.OpsPerSec != 10 {
		t.Fatalf("ops/s %v, want 10", st.OpsPerSec)
	}
	if samples[0] != 100*time.Millisecond {
		t.Fatal("summarise sorted the caller's slice")
	}
	if z := summarise("Op", nil, 3, "x", time.Second); z.Count != 0 || z.P99ms != 0 || z.OpsPerSec != 0 {
		t.Fatalf("empty %+v", z)
	}
}

// TestTargetsRatioToMoto: the vs-moto row says pass or miss by the ratio, and
// names the bound the trivial server sets on it.
func TestTargetsRatioToMoto(t *testing.T) {
	rep := &Report{Pairs: []pairRate{
		{Server: "kmslab", Op: "PutItem+GetItem", PerSec: 2000},
		{Server: "moto", Op: "PutItem+GetItem", PerSec: 125},
		{Server: "trivial {} server", Op: "PutItem+GetItem", PerSec: 2500},
	}}
	for _, tg := range targets(rep) {
		if tg.Name != "PutItem+GetItem 4 clients vs moto" {
			continue
		}
		if want := "16.0x (2000/s vs 125/s); the ceiling is 20.0x"; tg.Got != want || tg.Pass {
			t.Fatalf("row = %q pass=%v, want %q, a miss", tg.Got, tg.Pass, want)
		}
		return
	}
	t.Fatal("no PutItem+GetItem vs moto row")
}
