package workshop

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"kmslab/awsops"
	"kmslab/steps"
	"kmslab/ui"
)

func reached(step string, part int) ui.Event {
	return ui.Event{Kind: ui.EventReached, Step: step, Part: part}
}

func predicted(x string, d awsops.Decision) ui.Event {
	return ui.Event{Kind: ui.EventPredicted, Experiment: x, Predicted: d}
}

func result(x string, p, a awsops.Decision) ui.Event {
	return ui.Event{Kind: ui.EventResult, Experiment: x, Predicted: p, Actual: a}
}

// TestRoomCounts feeds the room attendees' events and checks what the
// dashboard would draw.
func TestRoomCounts(t *testing.T) {
	t.Parallel()
	all, xs := steps.All(), steps.Experiments()
	x0, x1 := xs[0].ID, xs[1].ID
	type ev struct {
		who int // index into users
		e   ui.Event
	}
	for _, tc := range []struct {
		name      string
		users     []string
		leave     []int
		events    []ev
		connected int
		reached   []int // per stage: parts 1-6, cleanup, summary
		tallies   map[string]Tally
	}{
		{name: "empty", reached: []int{0, 0, 0, 0, 0, 0, 0, 0}},
		{
			name:  "two walk, one leaves: how far they got still counts",
			users: []string{"ada", "grace"}, leave: []int{1},
			events: []ev{
				{0, reached(all[0].ID, 1)}, {0, reached(all[1].ID, 2)}, {0, reached(all[0].ID, 1)}, // back and forth
				{1, reached(all[0].ID, 1)}, {1, reached(all[1].ID, 2)}, {1, reached(all[2].ID, 3)},
			},
			connected: 1,
			reached:   []int{2, 2, 1, 0, 0, 0, 0, 0},
		},
		{
			name:  "predictions tallied, right only once run",
			users: []string{"a", "b", "c"},
			events: []ev{
				{0, predicted(x0, awsops.Allowed)}, {0, result(x0, awsops.Allowed, awsops.Allowed)},
				{1, predicted(x0, awsops.Refused)}, {1, result(x0, awsops.Refused, awsops.Allowed)},
				{2, predicted(x0, awsops.Allowed)}, // still running
				{2, predicted(x1, awsops.Refused)},
			},
			connected: 3,
			reached:   []int{0, 0, 0, 0, 0, 0, 0, 0},
			tallies: map[string]Tally{
				x0: {Title: xs[0].Title, Allowed: 2, Denied: 1, Run: 2, Right: 1},
				x1: {Title: xs[1].Title, Denied: 1},
			},
		},
		{
			name:  "a new prediction replaces the last, and its result is awaited again",
			users: []string{"a"},
			events: []ev{
				{0, predicted(x0, awsops.Refused)}, {0, result(x0, awsops.Refused, awsops.Allowed)},
				{0, predicted(x0, awsops.Allowed)},
			},
			connected: 1,
			reached:   []int{0, 0, 0, 0, 0, 0, 0, 0},
			tallies:   map[string]Tally{x0: {Title: xs[0].Title, Allowed: 1}},
		},
		{
			name:  "cleanup and summary",
			users: []string{"a"},
			events: []ev{
				{0, reached(all[len(all)-1].ID, 0)}, {0, reached(ui.SummaryID, 0)},
			},
			connected: 1,
			reached:   []int{0, 0, 0, 0, 0, 0, 1, 1},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var lines []string
			r := NewRoom([]steps.Lab{steps.KMS()}, func(s string) { lines = append(lines, s) })
			ids := make([]int, len(tc.users))
			for i, u := range tc.users {
				ids[i] = r.Join(u)
			}
			for _, e := range tc.events {
				r.Record(ids[e.who], e.e)
			}
			for _, i := range tc.leave {
				r.Leave(ids[i])
			}
			snap := r.Snapshot()
			if len(snap.Labs) != 1 {
				t.Fatalf("%d labs in the snapshot, want 1", len(snap.Labs))
			}
			s := snap.Labs[0]
			if snap.Connected != tc.connected || snap.Joined != len(tc.users) {
				t.Errorf("connected %d joined %d, want %d and %d", snap.Connected, snap.Joined, tc.connected, len(tc.users))
			}
			var got []int
			for _, c := range s.Reached {
				got = append(got, c.N)
			}
			if !slices.Equal(got, tc.reached) {
				t.Errorf("reached %v, want %v", got, tc.reached)
			}
			if len(s.Tallies) != len(xs) {
				t.Fatalf("%d tallies for %d experiments", len(s.Tallies), len(xs))
			}
			for i, x := range xs {
				want, ok := tc.tallies[x.ID]
				if !ok {
					want = Tally{Title: x.Title}
				}
				if s.Tallies[i] != want {
					t.Errorf("%s: %+v, want %+v", x.ID, s.Tallies[i], want)
				}
			}
			if len(tc.users) > 0 && !strings.Contains(strings.Join(lines, "\n"), tc.users[0]+" joined") {
				t.Errorf("log lacks the arrival:\n%s", strings.Join(lines, "\n"))
			}
		})
	}
}

func TestTallyString(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		t    Tally
		want string
	}{
		{Tally{Title: "Only through DynamoDB", Allowed: 14, Denied: 9, Run: 23, Right: 14}, "Only through DynamoDB: 14 allowed / 9 denied, 61% right"},
		{Tally{Title: "A grant", Allowed: 2}, "A grant: 2 allowed / 0 denied"},
		{Tally{Title: "X", Allowed: 1, Denied: 2, Run: 3, Right: 2}, "X: 1 allowed / 2 denied, 67% right"},
	} {
		if got := tc.t.String(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.t, got, tc.want)
		}
	}
}

func TestDisplayName(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"ada", "ada"},
		{"", "(no name)"},
		{"\x1b]0;pwned\x07eve", "]0;pwnedeve"},
		{"\x1b[2J\x1b[H", "[2J[H"},
		{strings.Repeat("x", 40), strings.Repeat("x", maxNameLen) + "…"},
		{"zoë", "zoë"},
	} {
		if got := DisplayName(tc.in); got != tc.want {
			t.Errorf("DisplayName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzDisplayName: whatever the attendee types as a user name, the
// presenter's terminal gets printable text of bounded length.
func FuzzDisplayName(f *testing.F) {
	for _, s := range []string{"ada", "\x1b[31mred", "\x00\x01", strings.Repeat("é", 50)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := DisplayName(in)
		if utf8.RuneCountInString(got) > maxNameLen+1 {
			t.Errorf("%q: %d runes", got, utf8.RuneCountInString(got))
		}
		for _, c := range got {
			if !unicode.IsPrint(c) {
				t.Errorf("%q keeps %U", got, c)
			}
		}
	})
}

// TestRoomPerLab: with both labs offered, arrivals and predictions count in
// the lab the event names (the summaries of both labs share an id), an
// event naming no lab counts in the first, and the dashboard draws the labs
// someone is in, each under its title.
func TestRoomPerLab(t *testing.T) {
	t.Parallel()
	kms, env := steps.KMS(), steps.Envelope()
	var log []string
	r := NewRoom([]steps.Lab{kms, env}, func(s string) { log = append(log, s) })
	a, b := r.Join("ada"), r.Join("grace")
	r.Record(a, ui.Event{Kind: ui.EventReached, Step: kms.Steps[0].ID, Part: 1}) // no lab named: the first
	r.Record(a, ui.Event{Kind: ui.EventReached, Lab: kms.ID, Step: ui.SummaryID})
	r.Record(b, ui.Event{Kind: ui.EventReached, Lab: env.ID, Step: env.Steps[0].ID, Part: 1})
	r.Record(b, ui.Event{Kind: ui.EventPredicted, Lab: env.ID, Experiment: env.Experiments[0].ID, Predicted: awsops.Refused})
	r.Record(b, ui.Event{Kind: ui.EventResult, Lab: env.ID, Experiment: env.Experiments[0].ID, Predicted: awsops.Refused, Actual: awsops.Refused})
	r.Record(b, ui.Event{Kind: ui.EventReached, Lab: "nope", Step: ui.SummaryID}) // no such lab: ignored

	if want := "grace reached " + env.Title + " · Part 1 · " + env.Steps[0].ShortTitle(); !slices.Contains(log, want) {
		t.Errorf("log lacks %q:\n%s", want, strings.Join(log, "\n"))
	}
	s := r.Snapshot()
	if len(s.Labs) != 2 || s.Labs[0].ID != kms.ID || s.Labs[1].ID != env.ID {
		t.Fatalf("labs %+v", s.Labs)
	}
	n := func(l LabSnapshot, label string) int {
		for _, c := range l.Reached {
			if c.Label == label {
				return c.N
			}
		}
		t.Fatalf("%s has no stage %q", l.ID, label)
		return 0
	}
	k, e := s.Labs[0], s.Labs[1]
	if n(k, "Part 1 · "+kms.Steps[0].ShortTitle()) != 1 || n(k, "Summary") != 1 || n(e, "Part 1 · "+env.Steps[0].ShortTitle()) != 1 || n(e, "Summary") != 0 {
		t.Errorf("reached: %+v / %+v", k.Reached, e.Reached)
	}
	if got := e.Tallies[0]; got.Denied != 1 || got.Run != 1 || got.Right != 1 {
		t.Errorf("envelope tally %+v", got)
	}
	for _, x := range k.Tallies {
		if x.Allowed+x.Denied+x.Run != 0 {
			t.Errorf("kms tally %+v counts the envelope lab's prediction", x)
		}
	}
	screen := ansi.Strip(newTestDashboard(r, 120, 60).render())
	for _, want := range []string{"How far the room got", kms.Title, env.Title,
		"How the room predicted the experiments", env.Experiments[0].Title + ": 0 allowed / 1 denied, 100% right",
		kms.Title + ": no predictions yet."} {
		if !strings.Contains(screen, want) {
			t.Errorf("dashboard lacks %q:\n%s", want, screen)
		}
	}
	// At 80x24 both labs' arrivals fit, side by side, down to their summaries.
	small := ansi.Strip(newTestDashboard(r, 80, 24).render())
	if n := strings.Count(small, "Summary "); n != 2 || !strings.Contains(small, "Part 7 · ") || !strings.Contains(small, "100% right") {
		t.Errorf("at 80x24 the dashboard shows %d summaries, or not the envelope lab's part 7 and tally:\n%s", n, small)
	}
	// Too narrow for columns: one lab under the other, each under its title.
	narrow := ansi.Strip(newTestDashboard(r, 70, 60).render())
	for _, want := range []string{"How far the room got · " + kms.Title, "How far the room got · " + env.Title} {
		if !strings.Contains(narrow, want) {
			t.Errorf("at 70 columns the dashboard lacks %q:\n%s", want, narrow)
		}
	}
}
