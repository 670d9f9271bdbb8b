package workshop

import (
	"fmt"
	"strings"
	"sync"
	"unicode"

	"kmslab/awsops"
	"kmslab/steps"
	"kmslab/ui"
)

// Room is what the presenter sees of the attendees: who is connected, how far
// everyone who joined got, and how the room predicted each experiment. It
// holds SSH user names and lab progress only: no key, no address.
type Room struct {
	mu        sync.Mutex
	stages    []stage // the parts, cleanup and the summary, in lab order
	exps      []steps.Experiment
	attendees map[int]*attendee
	nextID    int
	changed   chan struct{} // one pending notice for the dashboard
	log       func(string)  // --quiet: one line per thing that happened
}

// stage is a place in the lab the dashboard counts arrivals at.
type stage struct {
	id, label string
}

type attendee struct {
	user      string
	connected bool
	reached   map[string]bool
	predicted map[string]awsops.Decision // the latest prediction per experiment
	results   map[string]ui.Event        // the latest result per experiment
}

// NewRoom is an empty room for a lab of these steps and experiments. log,
// when set, hears one line per arrival, departure and experiment result.
func NewRoom(all []steps.Step, exps []steps.Experiment, log func(string)) *Room {
	r := &Room{exps: exps, attendees: map[int]*attendee{}, changed: make(chan struct{}, 1), log: log}
	for _, s := range all {
		switch s.Kind {
		case steps.KindPart:
			r.stages = append(r.stages, stage{id: s.ID, label: fmt.Sprintf("Part %d · %s", s.Part, s.ShortTitle())})
		case steps.KindCleanup:
			r.stages = append(r.stages, stage{id: s.ID, label: "Cleanup"})
		case steps.KindExperiment:
		}
	}
	r.stages = append(r.stages, stage{id: ui.SummaryID, label: "Summary"})
	return r
}

// Changed is signalled (without blocking anyone) whenever the room changes.
func (r *Room) Changed() <-chan struct{} { return r.changed }

func (r *Room) notify() {
	select {
	case r.changed <- struct{}{}:
	default: // a notice is already pending: the dashboard reads the latest state anyway
	}
}

func (r *Room) logf(format string, args ...any) {
	if r.log != nil {
		r.log(fmt.Sprintf(format, args...))
	}
}

// Join adds a connected attendee and returns their id in the room.
func (r *Room) Join(user string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.nextID++
	id := r.nextID
	user = DisplayName(user)
	r.attendees[id] = &attendee{user: user, connected: true, reached: map[string]bool{},
		predicted: map[string]awsops.Decision{}, results: map[string]ui.Event{}}
	r.logf("%s joined (%d connected)", user, r.connectedLocked())
	r.notify()
	return id
}

// Leave marks an attendee gone; how far they got still counts.
func (r *Room) Leave(id int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	a, ok := r.attendees[id]
	if !ok || !a.connected {
		return
	}
	a.connected = false
	r.logf("%s left (%d connected)", a.user, r.connectedLocked())
	r.notify()
}

// Record takes one event of attendee id's walkthrough.
func (r *Room) Record(id int, e ui.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	a, ok := r.attendees[id]
	if !ok {
		return
	}
	switch e.Kind {
	case ui.EventReached:
		if a.reached[e.Step] {
			return // going back and forth is not news
		}
		a.reached[e.Step] = true
		if label := r.stageLabel(e.Step); label != "" {
			r.logf("%s reached %s", a.user, label)
		}
	case ui.EventPredicted:
		a.predicted[e.Experiment] = e.Predicted
		delete(a.results, e.Experiment) // a new run: its result is not known yet
	case ui.EventResult:
		a.results[e.Experiment] = e
		verdict := "wrong"
		if e.Right() {
			verdict = "right"
		}
		r.logf("%s ran %q: predicted %s, %s", a.user, r.expTitle(e.Experiment), e.Predicted, verdict)
	}
	r.notify()
}

func (r *Room) stageLabel(id string) string {
	for _, s := range r.stages {
		if s.id == id {
			return s.label
		}
	}
	return ""
}

func (r *Room) expTitle(id string) string {
	for _, x := range r.exps {
		if x.ID == id {
			return x.Title
		}
	}
	return id
}

func (r *Room) connectedLocked() int {
	n := 0
	for _, a := range r.attendees {
		if a.connected {
			n++
		}
	}
	return n
}

// Snapshot is the room at one moment, as the dashboard draws it.
type Snapshot struct {
	Connected int
	Joined    int      // everyone who connected since the start, gone or not
	Users     []string // connected attendees' SSH user names, in order of arrival
	Reached   []Count  // per part (then cleanup and summary): how many of those who joined got there
	Tallies   []Tally  // per experiment, in the lab's order
}

// Count is how many attendees reached one place in the lab.
type Count struct {
	Label string
	N     int
}

// Tally is how the room predicted one experiment and how many were right.
type Tally struct {
	Title           string
	Allowed, Denied int // latest predictions
	Run, Right      int // results known, and of them predicted right
}

// String is the tally in one line, e.g. "Only through DynamoDB: 14 allowed /
// 9 denied, 61% right"; the percentage only once someone's run finished.
func (t Tally) String() string {
	s := fmt.Sprintf("%s: %d allowed / %d denied", t.Title, t.Allowed, t.Denied)
	if t.Run > 0 {
		s += fmt.Sprintf(", %d%% right", (t.Right*100+t.Run/2)/t.Run)
	}
	return s
}

// Snapshot reads the room.
func (r *Room) Snapshot() Snapshot {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := Snapshot{Joined: len(r.attendees)}
	for id := 1; id <= r.nextID; id++ {
		if a, ok := r.attendees[id]; ok && a.connected {
			s.Connected++
			s.Users = append(s.Users, a.user)
		}
	}
	for _, st := range r.stages {
		c := Count{Label: st.label}
		for _, a := range r.attendees {
			if a.reached[st.id] {
				c.N++
			}
		}
		s.Reached = append(s.Reached, c)
	}
	for _, x := range r.exps {
		t := Tally{Title: x.Title}
		for _, a := range r.attendees {
			switch a.predicted[x.ID] {
			case awsops.Allowed:
				t.Allowed++
			case awsops.Refused:
				t.Denied++
			}
			if e, ok := a.results[x.ID]; ok {
				t.Run++
				if e.Right() {
					t.Right++
				}
			}
		}
		s.Tallies = append(s.Tallies, t)
	}
	return s
}

// maxNameLen bounds a user name on the dashboard.
const maxNameLen = 24

// DisplayName is an SSH user name made safe for the presenter's terminal: the
// attendee chooses it, so control characters (an escape sequence could
// rewrite the presenter's screen) are dropped and the length is bounded.
func DisplayName(user string) string {
	var b strings.Builder
	n := 0
	for _, c := range user {
		if n == maxNameLen {
			b.WriteRune('…')
			break
		}
		if !unicode.IsPrint(c) {
			continue
		}
		b.WriteRune(c)
		n++
	}
	if b.Len() == 0 {
		return "(no name)"
	}
	return b.String()
}
