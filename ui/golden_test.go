package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
)

// TestGolden pins every screen at 100x30 without colors (layout), and the
// screens whose colors carry meaning (denied, diff) also in ANSI 256.
func TestGolden(t *testing.T) {
	const w, h = 100, 30
	cases := []struct {
		name   string
		model  func() Model
		colors bool
	}{
		{"welcome_offline", func() Model { return newFixtureModel(Offline, w, h, nil) }, false},
		{"welcome_aws", func() Model { return newFixtureModel(AWS, w, h, nil) }, false},
		{"confirm_aws", func() Model {
			m := newFixtureModel(AWS, w, h, nil)
			m.goTo(screenConfirm, 0)
			return m
		}, false},
		{"confirm_aws_warnings", func() Model {
			dark := true
			m := New(Options{Course: fxCourse(fixtureSteps()), Identity: fxIdentity, Names: fxNames, Mode: AWS,
				Width: w, Height: h, Dark: &dark, SaveDir: fxSaveDir, Warnings: []string{
					"IAM's policy simulator cannot check a federated user's permissions (arn:aws:sts::111122223333:federated-user/ada), " +
						"so kmslab goes on without checking them; a step that is refused will say which permission it lacks.",
				}})
			m.goTo(screenConfirm, 0)
			return m
		}, false},
		{"part1_pending", func() Model {
			m := newFixtureModel(Offline, w, h, nil)
			m.goTo(screenStep, 0)
			return m
		}, false},
		{"part1_key", func() Model { return atStep(newFixtureModel(Offline, w, h, nil), 0) }, true},
		{"part2_table", func() Model { return atStep(newFixtureModel(Offline, w, h, nil), 1) }, false},
		{"part3_items", func() Model { return atStep(newFixtureModel(Offline, w, h, nil), 2) }, false},
		{"part3_items_80x24", func() Model { return atStep(newFixtureModel(Offline, 80, 24, nil), 2) }, false},
		{"part3_at_rest", func() Model {
			m := atStep(newFixtureModel(Offline, w, h, fakeExtras{}), 2)
			m.part.scroll().GotoBottom()
			return m
		}, false},
		{"part4_user", func() Model { return atStep(newFixtureModel(Offline, w, h, nil), 3) }, false},
		{"part5_denied", func() Model { return atStep(newFixtureModel(Offline, w, h, nil), 4) }, true},
		{"part5_denied_wide", func() Model { return atStep(newFixtureModel(Offline, 160, 50, nil), 4) }, false},
		{"part5_audit", func() Model {
			m := atStep(newFixtureModel(Offline, w, h, fakeExtras{}), 4)
			m.part.scroll().GotoBottom()
			return m
		}, true},
		// The WHY panel at the two sizes it must serve: 80x24 scrolled to it,
		// and 120x40.
		{"part5_why_80x24", func() Model { return scrolledTo(t, atStep(newFixtureModel(Offline, 80, 24, nil), 4), "WHY") }, false},
		{"part5_why_120x40", func() Model { return scrolledTo(t, atStep(newFixtureModel(Offline, 120, 40, nil), 4), "WHY") }, false},
		{"part6_why_80x24", func() Model {
			return scrolledTo(t, atStep(newFixtureModel(Offline, 80, 24, nil), 5), "WHY IT WORKS NOW")
		}, false},
		{"part6_why_120x40", func() Model {
			return scrolledTo(t, atStep(newFixtureModel(Offline, 120, 40, nil), 5), "WHY IT WORKS NOW")
		}, false},
		{"part6_diff", func() Model { return atStep(newFixtureModel(Offline, w, h, nil), 5) }, true},
		{"part6_diff_80x24", func() Model { return atStep(newFixtureModel(Offline, 80, 24, nil), 5) }, false},
		{"part1_wide_200x40", func() Model { return atStep(newFixtureModel(Offline, 200, 40, nil), 0) }, false},
		{"part6_diff_side_by_side", func() Model { return atStep(newFixtureModel(Offline, 180, 50, nil), 5) }, false},
		{"failed", func() Model {
			m := newFixtureModel(Offline, w, h, nil, 0)
			m, _ = press(t, m, "enter", "enter")
			return m
		}, false},
		{"cleanup_done", func() Model { return atStep(newFixtureModel(Offline, w, h, nil), 6) }, false},
		{"summary", func() Model {
			m := atStep(newFixtureModel(Offline, w, h, nil), 6)
			m.goTo(screenSummary, 0)
			return m
		}, false},
		{"quit_prompt_aws", func() Model {
			m := atStep(newFixtureModel(AWS, w, h, nil), 2)
			m, _ = press(t, m, "q")
			return m
		}, false},
		{"full_help", func() Model {
			m := atStep(newFixtureModel(Offline, w, h, nil), 0)
			m, _ = press(t, m, "?")
			return m
		}, false},
		{"help_60x16", func() Model {
			m := atStep(newFixtureModel(Offline, 60, 16, nil), 0)
			m, _ = press(t, m, "?")
			return m
		}, false},
		{"part2_running", func() Model {
			m := atStep(newFixtureModel(Offline, w, h, nil), 0)
			m.advance()
			m, _ = m.startStep(1) // the command is never run: the step stays running
			m.waiting = "waiting for table kmslab-demo01 to become ACTIVE (attempt 3, 4s)"
			m.cacheChrome()
			return m
		}, false},
		{"quit_prompt_offline", func() Model {
			m := atStep(newFixtureModel(Offline, w, h, nil), 0)
			m, _ = press(t, m, "q")
			return m
		}, false},
		{"too_small", func() Model { return newFixtureModel(Offline, 40, 10, nil) }, false},
		{"min_80x24_denied", func() Model { return atStep(newFixtureModel(Offline, 80, 24, nil), 4) }, false},
		// x off then on again: the note says so and the panel is in view.
		{"panel_on_80x24", func() Model {
			m := atStep(newFixtureModel(Offline, 80, 24, fakeExtras{}), 2)
			m, _ = press(t, m, "x", "x")
			return m
		}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := tc.model()
			golden.RequireEqual(t, plain(m))
			if tc.colors {
				t.Run("ansi256", func(t *testing.T) {
					golden.RequireEqual(t, downsample(m.View().Content, colorprofile.ANSI256))
				})
			}
		})
	}
}

// scrolledTo scrolls the step pane so the first line containing marker is
// at the top, as a learner scrolling down to it would see it.
func scrolledTo(t *testing.T, m Model, marker string) Model {
	t.Helper()
	for i, l := range m.part.lines {
		if strings.Contains(ansi.Strip(l), marker) {
			m.part.pinned = false
			m.part.scrollTo(max(i-1, 0))
			m.cacheChrome()
			return m
		}
	}
	t.Fatalf("%q is not on the screen", marker)
	return m
}
