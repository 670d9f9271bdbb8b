package cli

import (
	"strings"
	"testing"

	"kmslab/internal/sshwalk"
	"kmslab/steps"
)

// TestWorkshopAttendeeChoosesLab: over SSH the welcome screen offers both
// labs and says the simulation runs on the presenter's machine; 2 begins
// the envelope lab, whose part 1 runs, and the room counts it in that lab
// only.
func TestWorkshopAttendeeChoosesLab(t *testing.T) {
	t.Parallel()
	rs := startRoom(t, workshopFlags{}, nil)
	ctx := waitCtx(t)
	term := rs.attend(t, "ada", 120, 40)
	if err := term.WaitWelcome(ctx); err != nil {
		t.Fatal(err)
	}
	welcome := strings.Join(strings.Fields(term.Text()), " ")
	for _, want := range []string{"Choose a lab", steps.KMS().Title, steps.Envelope().Title, "presenter's machine"} {
		if !strings.Contains(welcome, want) {
			t.Errorf("the welcome screen lacks %q:\n%s", want, term.Text())
		}
	}
	if strings.Contains(welcome, "127.0.0.1") {
		t.Errorf("the attendee is told about the host's loopback:\n%s", term.Text())
	}
	if err := term.ChooseLab(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if _, err := term.WaitFor(ctx, sshwalk.RunHint(1)); err != nil {
		t.Fatal(err)
	}
	if err := term.Send("\r"); err != nil {
		t.Fatal(err)
	}
	if _, err := term.WaitFor(ctx, "Press Enter to continue."); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(term.Text(), "kmslab · "+steps.Envelope().Title) {
		t.Errorf("part 1 is not the envelope lab's:\n%s", term.Text())
	}
	s := rs.room.Snapshot()
	if len(s.Labs) != 2 {
		t.Fatalf("the room counts %d labs, want both", len(s.Labs))
	}
	if s.Labs[0].Started() || s.Labs[1].Reached[0].N != 1 {
		t.Errorf("reached: first lab %+v, envelope lab %+v", s.Labs[0].Reached, s.Labs[1].Reached)
	}
}

// TestWorkshopLabFixedForRoom: kmslab workshop --lab envelope offers no
// choice: the welcome screen begins the envelope lab, and the room counts
// that lab alone.
func TestWorkshopLabFixedForRoom(t *testing.T) {
	t.Parallel()
	rs := startRoomWith(t, &globals{lab: "envelope", labFixed: true}, workshopFlags{}, nil, nil)
	ctx := waitCtx(t)
	term := rs.attend(t, "grace", 100, 30)
	if _, err := term.WaitFor(ctx, "Press Enter to begin with part 1."); err != nil {
		t.Fatal(err)
	}
	if screen := term.Text(); strings.Contains(screen, "Choose a lab") || !strings.Contains(screen, steps.Envelope().Title) {
		t.Errorf("--lab envelope: the welcome screen offers a choice or another lab:\n%s", screen)
	}
	if s := rs.room.Snapshot(); len(s.Labs) != 1 || s.Labs[0].ID != "envelope" {
		t.Errorf("the room counts %+v, want the envelope lab alone", s.Labs)
	}
}

// TestWorkshopNoColorIsTheSession's: the host's NO_COLOR is the presenter's
// terminal's business; an attendee's session draws in colors unless the
// attendee's own environment (sent over SSH) asks for none.
func TestWorkshopNoColorIsTheSessions(t *testing.T) {
	t.Setenv("NO_COLOR", "1") // the host's
	rs := startRoom(t, workshopFlags{}, nil)
	ctx := waitCtx(t)
	for _, tc := range []struct {
		env     map[string]string
		colored bool
	}{{nil, true}, {map[string]string{"NO_COLOR": "1"}, false}} {
		c, err := sshwalk.Dial(rs.addr, "ada")
		if err != nil {
			t.Fatal(err)
		}
		term, err := sshwalk.OpenWithEnv(c, tc.env, 100, 30)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(term.Close)
		if err := term.WaitWelcome(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := term.WalkTo(ctx, 1); err != nil {
			t.Fatal(err)
		}
		if term.Colored() != tc.colored {
			t.Errorf("session env %v: drawn in colors %v, want %v", tc.env, term.Colored(), tc.colored)
		}
	}
}
