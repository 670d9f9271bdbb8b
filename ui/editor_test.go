package ui

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"kmslab/steps"
)

// TestPolicyEditorBuiltIn: with neither $VISUAL nor $EDITOR set, experiment 9
// opens the built-in editor in the pane's place at 80x24 and 120x40: what the
// learner types is on screen, a JSON error keeps the text (the golden is that
// screen), and Ctrl+S applies the edited policy to the experiment.
func TestPolicyEditorBuiltIn(t *testing.T) {
	t.Setenv("VISUAL", "")
	t.Setenv("EDITOR", "")
	const typed = `  "Id": "my-own-policy",`
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			m := expFixture(t, size[0], size[1])
			var mu sync.Mutex
			var ran string
			m.experiments.keyPolicy = func(context.Context) (string, error) { return fxPolicyBefore, nil }
			m.experiments.exec = func(_ context.Context, _ steps.Experiment, policy string) steps.ExperimentOutcome {
				mu.Lock()
				ran = policy
				mu.Unlock()
				return fxTrial()
			}
			own := -1
			for i, x := range m.experiments.list {
				if x.YourPolicy {
					own = i
				}
			}
			if own < 0 {
				t.Fatal("the lab has no experiment with the learner's own policy")
			}
			tm, waitModel := runWatchedAt(t, m, size[0], size[1])
			send := func(keys ...string) {
				for _, k := range keys {
					tm.Send(keyMsg(k))
				}
			}
			for range own {
				send("down")
			}
			send("enter", "enter")
			waitModel("the editor", func(m Model) bool { return m.experiments.phase == expEditing })

			// Replace line 3 (the policy's Id) with a line of our own.
			send("down", "down", "home", "ctrl+k")
			for _, r := range typed {
				send(string(r))
			}
			got := waitModel("the typed line", func(m Model) bool { return strings.Contains(plain(m), typed) })
			if strings.Count(plain(got), "esc cancel") != 1 {
				t.Errorf("the footer should name esc once:\n%s", plain(got))
			}

			// Break the JSON: the refusal is shown above the text, which stays.
			send("up", "up", "home", "x", "ctrl+s")
			got = waitModel("the refusal", func(m Model) bool { return m.experiments.policyErr != "" })
			screen := plain(got)
			for _, want := range []string{"invalid JSON", "x{", typed} {
				if !strings.Contains(screen, want) {
					t.Errorf("after the refusal the screen lacks %q:\n%s", want, screen)
				}
			}
			if got.experiments.phase != expEditing {
				t.Errorf("a refused policy left the editor (phase %d)", got.experiments.phase)
			}
			golden.RequireEqual(t, screen)

			send("backspace", "ctrl+s")
			got = waitModel("the policy accepted", func(m Model) bool { return m.experiments.phase == expSetup })
			if !strings.Contains(got.experiments.policy, `"my-own-policy"`) {
				t.Fatalf("kept policy lacks the edit:\n%s", got.experiments.policy)
			}
			send("a")
			waitModel("the result", func(m Model) bool { return m.experiments.phase == expResult })
			mu.Lock()
			defer mu.Unlock()
			if !strings.Contains(ran, `"my-own-policy"`) || strings.Contains(ran, "key-consolepolicy-3") {
				t.Errorf("the experiment ran with another policy:\n%s", ran)
			}
			_ = tm.Quit()
			tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
		})
	}
}
