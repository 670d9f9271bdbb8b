package ui

import (
	"kmslab/awsops"
	"kmslab/steps"
)

// EventKind says what an Event reports.
type EventKind int

// What the walkthrough reports to Options.OnEvent.
const (
	// EventReached: a step's screen (or the summary) was opened.
	EventReached EventKind = iota
	// EventPredicted: an experiment was started with the learner's prediction.
	EventPredicted
	// EventResult: an experiment's result is known.
	EventResult
)

// SummaryID is Event.Step when the summary was reached.
const SummaryID = "summary"

// Event is something a presenter may want to count: where a learner is, what
// they predicted and whether they were right. It names steps and experiments
// by id and carries nothing about the account (no ARN, no key, no secret).
type Event struct {
	Kind EventKind
	// Lab is the id of the lab walked (steps.Lab.ID): a learner may walk
	// more than one in a session.
	Lab string
	// Step is the step's id (EventReached), or SummaryID.
	Step string
	// Part is the part reached, 1 to 6; 0 for cleanup, experiments and the summary.
	Part int
	// Experiment is the experiment's id (EventPredicted, EventResult).
	Experiment string
	// Predicted is the learner's prediction; Actual what AWS decided
	// (EventResult, empty when the experiment could not decide).
	Predicted, Actual awsops.Decision
}

// Right reports whether an EventResult's prediction matched AWS's decision.
func (e Event) Right() bool {
	return e.Kind == EventResult && e.Predicted != "" && e.Predicted == e.Actual
}

// emit hands e to Options.OnEvent, if any. OnEvent runs in Update: it must
// return at once.
func (r runInfo) emit(e Event) {
	if r.onEvent != nil {
		if e.Lab == "" {
			e.Lab = r.course
		}
		r.onEvent(e)
	}
}

// reachedEvent is the event for opening step s.
func reachedEvent(s steps.Step) Event {
	e := Event{Kind: EventReached, Step: s.ID}
	if s.Kind == steps.KindPart {
		e.Part = s.Part
	}
	return e
}
