package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
)

// TestGoldenRecap is the summary's recap after one experiment predicted
// wrong, at the two sizes the lab is walked at: both fixes, and the lesson
// with the wrong prediction marked.
func TestGoldenRecap(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		w, h int
	}{{"80x24", 80, 24}, {"120x40", 120, 40}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := expFixture(t, tc.w, tc.h)
			m, _ = press(t, m, "enter", "d", "enter", "esc") // experiment 1, predicted denied: wrong
			m.goTo(screenSummary, 0)
			c := strings.Join(strings.Fields(content(m)), " ")
			for _, want := range []string{"✗ IAM instead of the key policy (you predicted denied; AWS: allowed)", "two ways"} {
				if !strings.Contains(c, want) {
					t.Errorf("recap lacks %q:\n%s", want, c)
				}
			}
			// The recap is at the bottom: scroll there, as a learner would.
			m, _ = press(t, m, "end")
			golden.RequireEqual(t, plain(m))
		})
	}
}
