package ui

import (
	"kmslab/awsops"
	"kmslab/awsops/ledger"
	"kmslab/steps"
)

// stepState is the walkthrough's memory of one step.
type stepState struct {
	status  status
	outcome steps.Outcome
	ran     bool
	run     int // the run of its latest job, which its panels' reading names
	// done orders completions (the walkthrough's doneSeq when this step
	// last finished); snapshot is the panels' reading right after.
	done     int
	snapshot *extrasMsg
}

// walk is the walkthrough's state, which the screens draw from: the lab
// walked and the labs offered, each step's state, the step shown, the job
// running, and the labs whose summary this run reached.
type walk struct {
	// course is never changed in place, only replaced: a pointer keeps the
	// Model, copied on every Update, small.
	course *steps.Lab
	labs   []steps.Lab
	cur    int // the step shown on screenStep
	steps  []stepState
	// doneSeq counts step completions, to order them (stepState.done).
	doneSeq  int
	labsDone map[string]bool
	runner
}

func newWalk(course steps.Lab, labs []steps.Lab) walk {
	return walk{course: &course, labs: labs, steps: make([]stepState, len(course.Steps)), runner: runner{running: -1}}
}

// begin marks step i running as the runner's current job.
func (w *walk) begin(i int) {
	st := &w.steps[i]
	st.status, st.run, st.ran, st.outcome = statusRunning, w.job, true, steps.Outcome{}
}

// complete records step i's outcome as its latest completion.
func (w *walk) complete(i int, o steps.Outcome) {
	st := &w.steps[i]
	w.doneSeq++
	st.done, st.snapshot = w.doneSeq, nil
	st.outcome, st.status = o, fromStepStatus(o.Status)
	if st.status == statusRunning || st.status == statusPending {
		// A Run that returns without deciding did not succeed.
		st.status = statusFailed
	}
}

// setCourse makes lab the walk's lab, its steps afresh.
func (w *walk) setCourse(lab steps.Lab) {
	w.course, w.steps, w.cur = &lab, make([]stepState, len(lab.Steps)), 0
}

// anyStepRan reports whether a step of this run was started.
func (w *walk) anyStepRan() bool {
	for _, s := range w.steps {
		if s.ran || s.status != statusPending {
			return true
		}
	}
	return false
}

// partsDone counts the parts that reached the state the lab wants.
func (w *walk) partsDone() int {
	done := 0
	for i, s := range w.steps {
		if w.course.Steps[i].Kind == steps.KindPart && (s.status == statusDone || s.status == statusDenied) {
			done++
		}
	}
	return done
}

// ranSince reports whether another step finished after step i did: step i's
// panels then show its snapshot, not how things are now.
func (w *walk) ranSince(i int) bool {
	for j, s := range w.steps {
		if j != i && s.done > w.steps[i].done {
			return true
		}
	}
	return false
}

// partContext is what the part pane needs around step i.
func (w *walk) partContext(i int) partContext {
	ctx := partContext{
		index:     i,
		last:      i == len(w.course.Steps)-1,
		partCount: w.course.PartCount(),
		waiting:   w.waitingLabel(),
	}
	// The at-rest view shows the latest items read beside their ciphertext,
	// and recognises the lab key's id inside the wrapped table key.
	asOf := w.steps[i].done // what ran up to step i, when showing its history
	if st := w.steps[i]; st.snapshot == nil || !w.ranSince(i) {
		asOf = -1
	} else {
		ctx.history = st.snapshot
	}
	for j, s := range w.steps {
		if asOf >= 0 && s.done > asOf {
			continue
		}
		if items := steps.Items(s.outcome.Result); len(items) > 0 {
			ctx.lastItems, ctx.lastItemsPart = items, w.course.Steps[j].Part
		}
		if k := steps.KeyOf(s.outcome.Result); k != nil && k.ID != "" && ctx.keyID == "" {
			ctx.keyID = k.ID
		}
	}
	return ctx
}

// cleanupIndex is the cleanup step's index, -1 when the lab has none.
func (w *walk) cleanupIndex() int {
	for i, s := range w.course.Steps {
		if s.IsCleanup() {
			return i
		}
	}
	return -1
}

// experimentsOpen reports whether the what-ifs may be opened from the step
// shown: the last part before them has succeeded, cleanup has not run and
// nothing is running.
func (w *walk) experimentsOpen() bool {
	after := w.course.ExperimentsAfter()
	if after < 0 || w.busy() || w.cur < after {
		return false
	}
	for i, s := range w.course.Steps {
		if s.IsCleanup() && w.steps[i].ran {
			return false
		}
	}
	st := w.steps[after].status
	return st == statusDone || st == statusDenied
}

// nextLab is the lab the current lab's summary points to, when it is one
// of the labs offered; nil otherwise.
func (w *walk) nextLab() *steps.Lab {
	id := w.course.NextID
	for _, l := range w.labs {
		if l.ID == id && id != w.course.ID {
			return &l
		}
	}
	return nil
}

// markDone records that the run reached the current lab's summary, for
// the welcome screen's list.
func (w *walk) markDone() {
	if w.labsDone == nil {
		w.labsDone = map[string]bool{}
	}
	w.labsDone[w.course.ID] = true
}

// resourcesPresent reports whether the run created something that cleanup
// has not yet removed.
func (w *walk) resourcesPresent(lab *awsops.Lab) bool {
	sure, _ := w.leftovers(lab)
	return sure
}

// leftovers says what the run may have left behind: sure when a resource is
// known to exist, maybe when a step failed while creating one (it may or may
// not exist). The run's ledger knows exactly; without one (offline, tests) a
// step that produced something created it.
func (w *walk) leftovers(lab *awsops.Lab) (sure, maybe bool) {
	if lab != nil && lab.LedgerPath() != "" {
		for _, e := range lab.Ledger().Pending() {
			if e.State == ledger.StateCreated {
				sure = true
			} else {
				maybe = true
			}
		}
		return sure, maybe && !sure
	}
	for i, s := range w.steps {
		if w.course.Steps[i].IsCleanup() {
			if s.status == statusDone {
				if r, ok := s.outcome.Result.(steps.CleanedUp); !ok || r.Report.OK() {
					return false, false
				}
			}
			continue
		}
		switch {
		case s.status == statusDone || s.status == statusDenied || s.outcome.Result != nil:
			sure = true
		case s.ran:
			maybe = true
		}
	}
	return sure, maybe && !sure
}

// waitingLabel is what the running job waits for, or the running step's title.
func (w *walk) waitingLabel() string {
	if w.waiting != "" {
		return w.waiting
	}
	if w.running >= 0 && w.running < len(w.course.Steps) {
		return w.course.Steps[w.running].Title + "…"
	}
	return "working…"
}

func fromStepStatus(s steps.Status) status {
	switch s {
	case steps.Running:
		return statusRunning
	case steps.Done:
		return statusDone
	case steps.DeniedAsExpected:
		return statusDenied
	case steps.Failed:
		return statusFailed
	default:
		return statusPending
	}
}
