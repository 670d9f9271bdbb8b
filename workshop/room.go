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
// everyone who joined got in each lab, and how the room predicted each
// lab's experiments. It holds SSH user names and lab progress only: no key,
// no address.
type Room struct {
	mu        sync.Mutex
	labs      []roomLab // the labs attendees may walk, the default first
	attendees map[int]*attendee
	nextID    int
	changed   chan struct{} // one pending notice for the dashboard
	log       func(string)  // --quiet: one line per thing that happened
}

// roomLab is one lab as the room counts it.
type roomLab struct {
	id, title string
	baseline  string  // where the experiments open: the lab's Baseline
	stages    []stage // the parts, cleanup and the summary, in lab order
	exps      []steps.Experiment
}

// stage is a place in the lab the dashboard counts arrivals at.
type stage struct {
	id, label string
}

// place names a step or an experiment of one lab: a learner may walk both
// labs, whose summaries share an id.
type place struct{ lab, id string }

type attendee struct {
	user      string
	connected bool
	reached   map[place]bool
	predicted map[place]awsops.Decision // the latest prediction per experiment
	results   map[place]ui.Event        // the latest result per experiment
}

// NewRoom is an empty room for these labs (the one a session starts on
// first). log, when set, hears one line per arrival, departure and
// experiment result.
func NewRoom(labs []steps.Lab, log func(string)) *Room {
	r := &Room{attendees: map[int]*attendee{}, changed: make(chan struct{}, 1), log: log}
	for _, l := range labs {
		rl := roomLab{id: l.ID, title: l.Title, baseline: l.Baseline(), exps: l.NumberedExperiments()}
		for _, s := range l.Steps {
			switch s.Kind {
			case steps.KindPart:
				rl.stages = append(rl.stages, stage{id: s.ID, label: fmt.Sprintf("Part %d · %s", s.Part, s.ShortTitle())})
			case steps.KindCleanup:
				rl.stages = append(rl.stages, stage{id: s.ID, label: "Cleanup"})
			case steps.KindExperiment:
			}
		}
		rl.stages = append(rl.stages, stage{id: ui.SummaryID, label: "Summary"})
		r.labs = append(r.labs, rl)
	}
	return r
}

// labOf is the lab an event names; an event that names none is of the
// first lab.
func (r *Room) labOf(e ui.Event) *roomLab {
	for i := range r.labs {
		if r.labs[i].id == e.Lab {
			return &r.labs[i]
		}
	}
	if e.Lab == "" && len(r.labs) > 0 {
		return &r.labs[0]
	}
	return nil
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
	r.attendees[id] = &attendee{user: user, connected: true, reached: map[place]bool{},
		predicted: map[place]awsops.Decision{}, results: map[place]ui.Event{}}
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
	l := r.labOf(e)
	if !ok || l == nil {
		return
	}
	switch e.Kind {
	case ui.EventReached:
		at := place{l.id, e.Step}
		if a.reached[at] {
			return // going back and forth is not news
		}
		a.reached[at] = true
		if label := l.stageLabel(e.Step); label != "" {
			r.logf("%s reached %s", a.user, r.where(l, label))
		}
	case ui.EventPredicted:
		x := place{l.id, e.Experiment}
		a.predicted[x] = e.Predicted
		delete(a.results, x) // a new run: its result is not known yet
	case ui.EventResult:
		a.results[place{l.id, e.Experiment}] = e
		verdict := "wrong"
		if e.Right() {
			verdict = "right"
		}
		r.logf("%s ran %q: predicted %s, %s", a.user, l.expTitle(e.Experiment), e.Predicted, verdict)
	}
	r.notify()
}

// where is a stage as the log names it: after its lab's title when there
// are several.
func (r *Room) where(l *roomLab, label string) string {
	if len(r.labs) > 1 {
		return l.title + " · " + label
	}
	return label
}

func (l *roomLab) stageLabel(id string) string {
	for _, s := range l.stages {
		if s.id == id {
			return s.label
		}
	}
	return ""
}

func (l *roomLab) expTitle(id string) string {
	for _, x := range l.exps {
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
	Labs      []LabSnapshot
}

// LabSnapshot is the room in one lab.
type LabSnapshot struct {
	ID, Title string
	Baseline  string  // where its experiments open: the lab's Baseline
	Reached   []Count // per part (then cleanup and summary): how many of those who joined got there
	Tallies   []Tally // per experiment, in the lab's order
}

// Started reports whether anyone reached a place in this lab.
func (l LabSnapshot) Started() bool {
	for _, c := range l.Reached {
		if c.N > 0 {
			return true
		}
	}
	return false
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
	for _, l := range r.labs {
		s.Labs = append(s.Labs, r.labSnapshot(l))
	}
	return s
}

func (r *Room) labSnapshot(l roomLab) LabSnapshot {
	s := LabSnapshot{ID: l.id, Title: l.title, Baseline: l.baseline}
	for _, st := range l.stages {
		c := Count{Label: st.label}
		for _, a := range r.attendees {
			if a.reached[place{l.id, st.id}] {
				c.N++
			}
		}
		s.Reached = append(s.Reached, c)
	}
	for _, x := range l.exps {
		t := Tally{Title: x.Title}
		at := place{l.id, x.ID}
		for _, a := range r.attendees {
			switch a.predicted[at] {
			case awsops.Allowed:
				t.Allowed++
			case awsops.Refused:
				t.Denied++
			}
			if e, ok := a.results[at]; ok {
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
