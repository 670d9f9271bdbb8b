package ui

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"kmslab/awsops"
	"kmslab/steps"
)

// TestEventsReached walks the fixture lab with Enter alone and checks that
// OnEvent hears every step opened, in order, then the summary.
func TestEventsReached(t *testing.T) {
	t.Parallel()
	var got []Event
	dark := true
	m := New(Options{Course: fxCourse(fixtureSteps()), Identity: fxIdentity, Names: fxNames, Mode: Offline,
		Width: 100, Height: 30, Dark: &dark, OnEvent: func(e Event) { got = append(got, e) }})
	keys := []string{"enter"}
	for range fixtureSteps() {
		keys = append(keys, "enter", "enter") // run, continue
	}
	m, _ = press(t, m, keys...)
	if m.screen != screenSummary {
		t.Fatalf("ended on screen %d", m.screen)
	}
	var parts []int
	var ids []string
	for _, e := range got {
		if e.Kind != EventReached {
			t.Fatalf("unexpected event %+v", e)
		}
		parts = append(parts, e.Part)
		ids = append(ids, e.Step)
	}
	if want := []int{1, 2, 3, 4, 5, 6, 0, 0}; !slices.Equal(parts, want) {
		t.Errorf("parts reached %v, want %v", parts, want)
	}
	if want := append(append([]string(nil), fxIDs...), SummaryID); !slices.Equal(ids, want) {
		t.Errorf("steps reached %v, want %v", ids, want)
	}
}

// TestEventsExperiment checks the prediction and the result of one experiment
// reach OnEvent, with AWS's decision.
func TestEventsExperiment(t *testing.T) {
	t.Parallel()
	var got []Event
	dark := true
	xs := steps.Experiments()
	m := New(Options{Course: fxCourse(fixtureSteps(), xs...), Identity: fxIdentity, Names: fxNames, Mode: Offline,
		Width: 100, Height: 30, Dark: &dark, OnEvent: func(e Event) { got = append(got, e) }})
	m.experiments.exec = func(_ context.Context, x steps.Experiment, _ string) steps.ExperimentOutcome {
		return steps.ExperimentOutcome{Trial: awsops.Trial{Probes: []awsops.Probe{{Name: x.Predict, Decision: awsops.Refused}}}}
	}
	m = atStep(m, 5)
	got = nil
	m, _ = press(t, m, "w", "enter", "d")
	lab := m.course.ID
	want := []Event{
		{Kind: EventPredicted, Lab: lab, Experiment: xs[0].ID, Predicted: awsops.Refused},
		{Kind: EventResult, Lab: lab, Experiment: xs[0].ID, Predicted: awsops.Refused, Actual: awsops.Refused},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("events %+v, want %+v", got, want)
	}
	if !got[1].Right() || got[0].Right() {
		t.Errorf("Right: result %v, prediction %v", got[1].Right(), got[0].Right())
	}
}

func TestEventRight(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		e    Event
		want bool
	}{
		{Event{Kind: EventResult, Predicted: awsops.Allowed, Actual: awsops.Allowed}, true},
		{Event{Kind: EventResult, Predicted: awsops.Allowed, Actual: awsops.Refused}, false},
		{Event{Kind: EventResult, Predicted: awsops.Allowed}, false}, // the experiment could not decide
		{Event{Kind: EventResult}, false},
		{Event{Kind: EventPredicted, Predicted: awsops.Allowed, Actual: awsops.Allowed}, false},
	} {
		if got := tc.e.Right(); got != tc.want {
			t.Errorf("%+v: Right %v, want %v", tc.e, got, tc.want)
		}
	}
}

// TestRemoteCopyWritesNoFile: over SSH, c sends OSC 52 and writes nothing on
// the host.
func TestRemoteCopyWritesNoFile(t *testing.T) {
	dir := t.TempDir()
	dark := true
	m := New(Options{Course: fxCourse(fixtureSteps()), Identity: fxIdentity, Names: fxNames, Mode: Offline,
		Width: 100, Height: 30, Dark: &dark, SaveDir: dir, Remote: true})
	m, _ = press(t, m, "enter")
	nm, cmd := m.Update(keyMsg("c"))
	m = nm.(Model)
	clip := false
	for _, msg := range runAll(cmd) {
		if c, ok := msg.(copiedMsg); ok {
			nm, _ = m.Update(c)
			m = nm.(Model)
			continue
		}
		clip = clip || strings.Contains(strings.ToLower(typeName(msg)), "clipboard")
	}
	if !clip {
		t.Fatal("copy sent nothing to the clipboard")
	}
	if !strings.Contains(m.flash, "OSC 52") || strings.Contains(m.flash, "saved") {
		t.Errorf("flash = %q", m.flash)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("remote copy wrote %d file(s) on the host", len(entries))
	}
}

// TestRemoteEditorIsBuiltIn: over SSH, $EDITOR is never started.
func TestRemoteEditorIsBuiltIn(t *testing.T) {
	dark := true
	m := New(Options{Course: fxCourse(fixtureSteps(), steps.Experiments()...), Identity: fxIdentity, Names: fxNames, Mode: Offline,
		Width: 100, Height: 30, Dark: &dark, Remote: true})
	v := m.experiments
	v.editor = "vi" // as if $EDITOR were set on the host
	v, cmd := v.startEditing(policyLoadedMsg{text: `{"Version":"2012-10-17","Statement":[]}`})
	if v.phase != expEditing {
		t.Fatalf("phase %d, want the built-in editor", v.phase)
	}
	for _, msg := range runAll(cmd) {
		if strings.Contains(typeName(msg), "exec") {
			t.Fatalf("an external program was started: %T", msg)
		}
	}
}

func typeName(v any) string { return strings.ToLower(fmt.Sprintf("%T", v)) }
