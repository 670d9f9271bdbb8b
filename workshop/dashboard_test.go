package workshop

import (
	"context"
	"flag"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"kmslab/awsops"
	"kmslab/steps"
	"kmslab/ui"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// busyRoom is a room with attendees at several places and some predictions.
func busyRoom() *Room {
	all, xs := steps.All(), steps.Experiments()
	r := NewRoom([]steps.Lab{steps.KMS()}, nil)
	for i, u := range []string{"ada", "grace", "linus", "\x1b[31mmallory"} {
		id := r.Join(u)
		for p := 0; p <= i+2 && p < 6; p++ {
			r.Record(id, ui.Event{Kind: ui.EventReached, Step: all[p].ID, Part: p + 1})
		}
	}
	r.Record(1, ui.Event{Kind: ui.EventPredicted, Experiment: xs[4].ID, Predicted: awsops.Allowed})
	r.Record(1, ui.Event{Kind: ui.EventResult, Experiment: xs[4].ID, Predicted: awsops.Allowed, Actual: awsops.Refused})
	r.Record(2, ui.Event{Kind: ui.EventPredicted, Experiment: xs[4].ID, Predicted: awsops.Refused})
	r.Record(2, ui.Event{Kind: ui.EventResult, Experiment: xs[4].ID, Predicted: awsops.Refused, Actual: awsops.Refused})
	r.Leave(3)
	return r
}

func newTestDashboard(r *Room, w, h int) Dashboard {
	where := Describe(&net.TCPAddr{IP: net.IPv4zero, Port: 2222},
		[]net.Addr{&net.IPNet{IP: net.ParseIP("192.168.1.20"), Mask: net.CIDRMask(24, 32)}})
	d := NewDashboard(context.Background(), r, where)
	m, _ := d.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return m.(Dashboard)
}

// TestDashboardGolden: the room at 80x24 and 120x40, without styles.
func TestDashboardGolden(t *testing.T) {
	t.Parallel()
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		d := newTestDashboard(busyRoom(), sz[0], sz[1])
		got := ansi.Strip(d.View().Content)
		for i, l := range strings.Split(got, "\n") {
			if w := ansi.StringWidth(l); w > sz[0] {
				t.Errorf("%dx%d: line %d is %d wide", sz[0], sz[1], i, w)
			}
		}
		if n := strings.Count(got, "\n") + 1; n > sz[1] {
			t.Errorf("%dx%d: %d lines", sz[0], sz[1], n)
		}
		path := filepath.Join("testdata", "dashboard-"+itoa(sz[0])+"x"+itoa(sz[1])+".golden")
		if *update {
			_ = os.MkdirAll("testdata", 0o755)
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (go test ./workshop -run TestDashboardGolden -update writes it)", err)
		}
		if got != string(want) {
			t.Errorf("%s differs:\n%s", path, got)
		}
	}
}

func itoa(n int) string {
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}

// TestDashboardEnd: Ctrl-C asks when someone is connected; y ends, n keeps going.
func TestDashboardEnd(t *testing.T) {
	t.Parallel()
	ctrlC := tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	press := func(d Dashboard, k tea.KeyPressMsg) (Dashboard, bool) {
		m, cmd := d.Update(k)
		quit := false
		if cmd != nil {
			_, quit = cmd().(tea.QuitMsg)
		}
		return m.(Dashboard), quit
	}
	d := newTestDashboard(busyRoom(), 80, 24)
	d, quit := press(d, ctrlC)
	if quit || !strings.Contains(ansi.Strip(d.View().Content), "End the workshop for 3 attendee(s)?") {
		t.Fatalf("Ctrl-C did not ask:\n%s", ansi.Strip(d.View().Content))
	}
	d, quit = press(d, tea.KeyPressMsg{Code: 'n', Text: "n"})
	if quit || d.asking || d.Ended() {
		t.Fatal("n did not keep the workshop going")
	}
	d, _ = press(d, ctrlC)
	d, quit = press(d, tea.KeyPressMsg{Code: 'y', Text: "y"})
	if !quit || !d.Ended() {
		t.Fatal("y did not end the workshop")
	}
	// An empty room ends without asking.
	empty := newTestDashboard(NewRoom([]steps.Lab{steps.KMS()}, nil), 80, 24)
	if empty, quit = press(empty, ctrlC); !quit || !empty.Ended() {
		t.Fatal("Ctrl-C on an empty room asked")
	}
}

// TestDashboardFollowsRoom: a change in the room reaches the view.
func TestDashboardFollowsRoom(t *testing.T) {
	t.Parallel()
	r := NewRoom([]steps.Lab{steps.KMS()}, nil)
	d := newTestDashboard(r, 80, 24)
	r.Join("ada")
	msg := d.waitRoom()()
	m, _ := d.Update(msg)
	if got := ansi.Strip(m.(Dashboard).View().Content); !strings.Contains(got, "1 connected") || !strings.Contains(got, "ada") {
		t.Fatalf("the dashboard missed the arrival:\n%s", got)
	}
}
