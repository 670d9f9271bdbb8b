package awserr

import (
	"errors"
	"fmt"
	"time"
)

// errWaitTimeout ends a wait whose deadline passed.
var errWaitTimeout = errors.New("gave up waiting")

// WaitError is a wait for eventual consistency that ran out: what it waited
// for, how long, and the last answer that kept it waiting (nil when the
// state simply never matched).
type WaitError struct {
	What  string
	Limit time.Duration
	Last  error
}

func (e *WaitError) Error() string {
	s := fmt.Sprintf("%v for %s after %s", errWaitTimeout, e.What, RoundLimit(e.Limit))
	if e.Last != nil {
		s += ": " + e.Last.Error()
	}
	return s
}

// Unwrap lets errors.Is find errWaitTimeout and errors.As the last answer's
// API error, whose code classifies the failure.
func (e *WaitError) Unwrap() []error {
	if e.Last == nil {
		return []error{errWaitTimeout}
	}
	return []error{errWaitTimeout, e.Last}
}

// RoundLimit says a wait's bound as a person would: "2 min", "90 s".
func RoundLimit(d time.Duration) string {
	if d >= time.Minute && d%time.Minute == 0 {
		return fmt.Sprintf("%d min", int(d/time.Minute))
	}
	if d >= time.Second {
		return fmt.Sprintf("%d s", int(d.Round(time.Second)/time.Second))
	}
	return d.String()
}
