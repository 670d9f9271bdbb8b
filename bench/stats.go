package main

import (
	"math"
	"slices"
	"time"
)

// Stats summarises the latencies of one operation against one server.
type Stats struct {
	Op        string  `json:"op"`
	Count     int     `json:"count"`  // successful calls
	Errors    int     `json:"errors"` // failed calls (excluded from the latencies)
	FirstErr  string  `json:"first_error,omitempty"`
	P50ms     float64 `json:"p50_ms"`
	P95ms     float64 `json:"p95_ms"`
	P99ms     float64 `json:"p99_ms"`
	MeanMs    float64 `json:"mean_ms"`
	MaxMs     float64 `json:"max_ms"`
	OpsPerSec float64 `json:"ops_per_sec"` // successful calls / wall time of the whole loop
}

// percentile is the nearest-rank percentile (p in (0,100]) of sorted samples.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// summarise computes the statistics of samples taken over wall time.
func summarise(op string, samples []time.Duration, errs int, firstErr string, wall time.Duration) Stats {
	st := Stats{Op: op, Count: len(samples), Errors: errs, FirstErr: firstErr}
	if len(samples) == 0 {
		return st
	}
	sorted := slices.Clone(samples)
	slices.Sort(sorted)
	var sum time.Duration
	for _, d := range sorted {
		sum += d
	}
	st.P50ms = ms(percentile(sorted, 50))
	st.P95ms = ms(percentile(sorted, 95))
	st.P99ms = ms(percentile(sorted, 99))
	st.MeanMs = ms(sum / time.Duration(len(sorted)))
	st.MaxMs = ms(sorted[len(sorted)-1])
	if wall > 0 {
		st.OpsPerSec = float64(len(samples)) / wall.Seconds()
	}
	return st
}
