package sim

import (
	"testing"
	"time"
)

// TestRealismDelay: every draw lies in [0, Max], about Slow of them above
// Typical; Off and a nil realism draw nothing; zero fields take defaults.
func TestRealismDelay(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		d    Delay
	}{
		{"default IAM", DefaultIAMDelay},
		{"default grant", DefaultGrantDelay},
		{"fixed", Delay{Typical: time.Minute, Max: time.Minute}},
		{"all slow", Delay{Typical: time.Second, Max: 10 * time.Second, Slow: 1}},
		{"off", Off},
	} {
		r := newRealism(Realism{Seed: 1})
		const n = 4000
		slow := 0
		for range n {
			got := r.delay(streamIAM, tc.d)
			if got < 0 || tc.d.Max >= 0 && got > tc.d.Max || tc.d.Max < 0 && got != 0 {
				t.Fatalf("%s: drew %v", tc.name, got)
			}
			if got > tc.d.Typical {
				slow++
			}
		}
		if share := float64(slow) / n; tc.d.Max > tc.d.Typical && (share < tc.d.Slow-0.03 || share > tc.d.Slow+0.03) {
			t.Errorf("%s: %.3f of draws above Typical, want about %.2f", tc.name, share, tc.d.Slow)
		}
	}
	var none *realism
	if none.delay(streamIAM, DefaultIAMDelay) != 0 || none.chance(streamThrottle, 1) || none.pick(4) != 0 {
		t.Error("a nil realism drew something")
	}
	got := Realism{Seed: 9, Grant: Off}.withDefaults()
	if got.IAM != DefaultIAMDelay || got.Grant != Off || got.ThrottleRate != DefaultThrottleRate || got.Seed != 9 {
		t.Errorf("withDefaults: %+v", got)
	}
}
