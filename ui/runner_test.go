package ui

import (
	"context"
	"strings"
	"sync"
	"testing"

	tea "charm.land/bubbletea/v2"

	"kmslab/awsops"
	"kmslab/steps"
)

// startedJob presses k and applies what it settles, leaving the job it
// started unrun: its command (with any other) is returned.
func startedJob(t *testing.T, m Model, k string) (Model, tea.Cmd) {
	t.Helper()
	nm, cmd := m.Update(keyMsg(k))
	m = nm.(Model)
	settled, ok := cmd().(settledMsg)
	if !ok {
		t.Fatalf("%s settled nothing", k)
	}
	nm, cmd = m.Update(settled)
	m = nm.(Model)
	if !m.busy() || cmd == nil {
		t.Fatalf("%s started no job (busy %v)", k, m.busy())
	}
	return m, cmd
}

// TestExperimentIsAJob: an experiment runs on the runner the steps run on.
// While it runs no step starts; a result of an older run is dropped; the
// quit prompt's clean-up cancels it and starts cleanup only once it came
// back (the two would race on the lab), then quits.
func TestExperimentIsAJob(t *testing.T) {
	t.Parallel()
	dark := true
	var mu sync.Mutex
	var order []string
	note := func(s string) {
		mu.Lock()
		defer mu.Unlock()
		order = append(order, s)
	}
	course := fxCourse(fixtureSteps(), steps.Experiments()...)
	cleanup := len(course.Steps) - 1
	run := course.Steps[cleanup].Run
	course.Steps[cleanup].Run = func(ctx context.Context, lab *awsops.Lab) steps.Outcome {
		note("cleanup")
		return run(ctx, lab)
	}
	m := New(Options{Course: course, Identity: fxIdentity, Names: fxNames, Mode: AWS, Width: 100, Height: 30, Dark: &dark})
	m = atStep(m, 5)
	m.experiments.exec = func(ctx context.Context, _ steps.Experiment, _ string) steps.ExperimentOutcome {
		<-ctx.Done() // runs until cancelled
		note("experiment cancelled")
		return fxTrial()
	}
	m, _ = press(t, m, "w", "enter")
	m, exp := startedJob(t, m, "a")
	if m.experiments.phase != expRunning || m.running != -1 {
		t.Fatalf("phase %d, running step %d: want the experiment running, no step", m.experiments.phase, m.running)
	}
	if nm, _ := m.startStep(cleanup); nm.steps[cleanup].ran || !strings.Contains(nm.flash, "Still running") {
		t.Fatalf("a step started while an experiment ran, or the refusal said nothing (note %q)", nm.flash)
	}
	if nm, _ := m.Update(jobDoneMsg{run: m.job - 1, result: expDoneMsg{index: 0, out: fxTrial()}}); nm.(Model).experiments.records[0].done {
		t.Fatal("a result of an older run was applied")
	}

	m, _ = press(t, m, "q")
	if !m.quitting {
		t.Fatal("q with resources on AWS did not ask")
	}
	m, _ = press(t, m, "y")
	if m.screen != screenStep || m.cur != cleanup || m.steps[cleanup].ran {
		t.Fatalf("y: screen %d step %d, cleanup ran %v: want cleanup shown, waiting for the experiment", m.screen, m.cur, m.steps[cleanup].ran)
	}
	m, quit := drain(m, exp, false)
	if !quit || m.steps[cleanup].status != statusDone {
		t.Fatalf("quit %v, cleanup %d: want cleanup done, then quit", quit, m.steps[cleanup].status)
	}
	if !m.experiments.records[0].done {
		t.Error("the cancelled experiment's result, addressed to its hidden screen, was lost")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(order) != 2 || order[0] != "experiment cancelled" || order[1] != "cleanup" {
		t.Errorf("order %v, want the experiment cancelled before cleanup ran", order)
	}
}
