package ui

import (
	"strings"
	"testing"
)

// TestRemoteWelcomeAndColor: over SSH the welcome screen says the
// simulation runs on the presenter's machine (not "this machine …
// 127.0.0.1", which is the host's), and the host's NO_COLOR does not decide
// the attendee's colors; at the host it still does.
func TestRemoteWelcomeAndColor(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	remote := chooserFixture(t, 80, 24, Options{Remote: true})
	local := chooserFixture(t, 80, 24, Options{})
	if remote.opts.NoColor || !local.opts.NoColor {
		t.Errorf("NoColor: remote %v (want false), local %v (want true)", remote.opts.NoColor, local.opts.NoColor)
	}
	c := strings.Join(strings.Fields(content(remote)), " ")
	for _, bad := range []string{"127.0.0.1", "this machine"} {
		if strings.Contains(c, bad) {
			t.Errorf("the remote welcome says %q:\n%s", bad, c)
		}
	}
	if !strings.Contains(c, "presenter's machine") || !strings.Contains(c, "Choose a lab") {
		t.Errorf("the remote welcome does not say where it runs, or offers no choice:\n%s", c)
	}
	if l := strings.Join(strings.Fields(content(local)), " "); !strings.Contains(l, "127.0.0.1") {
		t.Errorf("the local welcome lost its 127.0.0.1:\n%s", l)
	}
}
