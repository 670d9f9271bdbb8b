package awsops

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"kmslab/awsops/awserr"
)

// String renders p for a status line: "waiting for IAM ... (3 s, up to 2 min)".
func (p Progress) String() string {
	s := fmt.Sprintf("%s (%d s", p.Message, int(p.Elapsed.Round(time.Second)/time.Second))
	if p.Limit > 0 {
		s += ", up to " + awserr.RoundLimit(p.Limit)
	}
	return s + ")"
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
			return &awserr.WaitError{What: what, Limit: limit}
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
// out, the error is a *awserr.WaitError carrying the last answer.
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
	var we *awserr.WaitError
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
