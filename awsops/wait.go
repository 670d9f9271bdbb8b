package awsops

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
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
	s := fmt.Sprintf("%v for %s after %s", errWaitTimeout, e.What, roundLimit(e.Limit))
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

// String renders p for a status line: "waiting for IAM ... (3 s, up to 2 min)".
func (p Progress) String() string {
	s := fmt.Sprintf("%s (%d s", p.Message, int(p.Elapsed.Round(time.Second)/time.Second))
	if p.Limit > 0 {
		s += ", up to " + roundLimit(p.Limit)
	}
	return s + ")"
}

// roundLimit says a wait's bound as a person would: "2 min", "90 s".
func roundLimit(d time.Duration) string {
	if d >= time.Minute && d%time.Minute == 0 {
		return fmt.Sprintf("%d min", int(d/time.Minute))
	}
	if d >= time.Second {
		return fmt.Sprintf("%d s", int(d.Round(time.Second)/time.Second))
	}
	return d.String()
}

// wait calls try until it reports done, fails, or the lab's WaitTimeout
// passes, sleeping with jittered exponential backoff in between and
// reporting each retry. It is how the lab rides out eventual consistency:
// AWS documents that new access keys and key-policy principals take seconds
// to be honoured everywhere. Time is the lab's Clock and every pause its
// Sleep, so a test's skip clock makes a two-minute wait cost nothing.
func (l *Lab) wait(ctx context.Context, step, what string, try func(ctx context.Context) (bool, error)) error {
	return l.waitFor(ctx, step, what, l.opts.WaitTimeout, try)
}

// waitFor is wait with its own bound, for waits AWS documents as longer.
func (l *Lab) waitFor(ctx context.Context, step, what string, limit time.Duration, try func(ctx context.Context) (bool, error)) error {
	start := l.now()
	// Elapsed is the clock's or, when a skip Sleep moves another clock than
	// the lab's, what was slept: either way the wait ends.
	var slept time.Duration
	delay := l.opts.InitialBackoff
	for attempt := 1; ; attempt++ {
		done, err := try(ctx)
		if err != nil || done {
			return err
		}
		elapsed := max(l.now().Sub(start), slept)
		if elapsed >= limit {
			return &WaitError{What: what, Limit: limit}
		}
		l.progress(Progress{Step: step, Message: "waiting for " + what, Elapsed: elapsed, Attempt: attempt, Limit: limit})
		// Full jitter in [delay/2, delay) keeps parallel runs from retrying in step.
		d := min(delay/2+rand.N(delay/2+1), limit-elapsed)
		if err := l.opts.Sleep(ctx, d); err != nil {
			return err
		}
		slept += d
		delay = min(delay*2, l.opts.MaxBackoff)
	}
}

// retryTransient calls f until it succeeds or fails with an error that
// transient says will pass (a name IAM does not show yet, a DeleteConflict
// whose cause was just removed), within the lab's wait. When the wait runs
// out, the error is a *WaitError carrying the last answer.
func (l *Lab) retryTransient(ctx context.Context, step, what string, transient func(error) bool, f func(ctx context.Context) error) error {
	var last error
	err := l.wait(ctx, step, what, func(ctx context.Context) (bool, error) {
		err := f(ctx)
		if err != nil && transient(err) {
			last = err
			return false, nil
		}
		return true, err
	})
	var we *WaitError
	if errors.As(err, &we) && we.Last == nil {
		we.Last = last
	}
	return err
}

func (l *Lab) progress(p Progress) {
	if l.opts.Progress != nil {
		l.opts.Progress(p)
	}
}
