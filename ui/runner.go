package ui

import (
	"context"

	tea "charm.land/bubbletea/v2"

	"kmslab/awsops"
	"kmslab/steps"
)

// A job is long work a screen asks the root to run: a step of the lab, or
// an experiment. The runner runs one at a time, in a command of its own so
// keys stay live, under a context it cancels (quitting, cleanup chosen in
// the quit prompt), and numbers each run: the result comes back as
// jobDoneMsg, and one whose run is not the latest is dropped. What the job
// is for learns of it through its messages: started once the runner took
// it, then the result, routed as any message is (the walkthrough's steps
// by the root, a screen's own by addressed), shown or not.
type job struct {
	step    int     // the step's index, for the status line and the spinner; -1 for another job
	started tea.Msg // applied as the job starts
	do      func(ctx context.Context, run int) tea.Msg
}

// runJobMsg asks the root to run a job; it is refused while another runs.
type runJobMsg struct{ job job }

// jobDoneMsg is a job's result, tagged with its run.
type jobDoneMsg struct {
	run    int
	result tea.Msg
}

// runner is the job being run, if any.
type runner struct {
	running int // index of the running step, -1 when no step runs
	job     int // the running job's run, 0 when idle
	nextRun int
	cancel  context.CancelFunc
	waiting string // what the running job waits for (its latest progress report)
	// queued starts when the running job has come back: cleanup chosen in
	// the quit prompt must not race the job it cancelled.
	queued *job
}

func (r *runner) busy() bool { return r.job != 0 }

// start runs j under a child of parent, unless a job runs already.
func (r *runner) start(parent context.Context, j job) tea.Cmd {
	if r.busy() {
		return nil
	}
	r.nextRun++
	run := r.nextRun
	ctx, cancel := context.WithCancel(parent)
	r.job, r.cancel, r.running, r.waiting = run, cancel, j.step, ""
	return func() tea.Msg { return jobDoneMsg{run: run, result: j.do(ctx, run)} }
}

// finish releases the runner for the job of run, reporting false when that
// is not the running job (a stale result, to drop).
func (r *runner) finish(run int) bool {
	if run != r.job {
		return false
	}
	r.stop()
	r.job, r.running, r.waiting = 0, -1, ""
	return true
}

// stop cancels the running job; its result still comes back.
func (r *runner) stop() {
	if r.cancel != nil {
		r.cancel()
		r.cancel = nil
	}
}

// progressMsg is one awsops progress report.
type progressMsg struct{ p awsops.Progress }

// The messages of a step's job.
type (
	// stepStartedMsg: the step runs, as the runner's current job.
	stepStartedMsg struct{ index int }
	// stepDoneMsg is the outcome of one run of one step.
	stepDoneMsg struct {
		index   int
		outcome steps.Outcome
		// extras is the panels' reading taken right after the run, offline: it
		// arrives with the outcome, so the result is never drawn with its
		// panels still "reading…" (a frame a loaded machine could leave on
		// screen long enough for kmslab record to film it).
		extras *extrasMsg
	}
)

// runMsg is a message of the runner and its jobs, for updateRun.
type runMsg interface{ runMsg() }

func (runJobMsg) runMsg()      {}
func (runStepMsg) runMsg()     {}
func (jobDoneMsg) runMsg()     {}
func (stepStartedMsg) runMsg() {}
func (stepDoneMsg) runMsg()    {}
func (extrasMsg) runMsg()      {}
func (progressMsg) runMsg()    {}
