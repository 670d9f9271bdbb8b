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

// String renders p for a status line: "waiting for IAM ... (3 s)".
func (p Progress) String() string {
	return fmt.Sprintf("%s (%d s)", p.Message, int(p.Elapsed.Round(time.Second)/time.Second))
}

// wait calls try until it reports done, fails, or the lab's WaitTimeout
// passes, sleeping with jittered exponential backoff in between and
// reporting each retry. It is how the lab rides out eventual consistency:
// AWS documents that new access keys and key-policy principals take seconds
// to be honoured everywhere.
func (l *Lab) wait(ctx context.Context, step, what string, try func(ctx context.Context) (bool, error)) error {
	start := l.now()
	deadline := time.NewTimer(l.opts.WaitTimeout)
	defer deadline.Stop()
	delay := l.opts.InitialBackoff
	for attempt := 1; ; attempt++ {
		done, err := try(ctx)
		if err != nil || done {
			return err
		}
		l.progress(Progress{Step: step, Message: "waiting for " + what, Elapsed: l.now().Sub(start), Attempt: attempt})
		// Full jitter in [delay/2, delay) keeps parallel runs from retrying in step.
		d := delay/2 + rand.N(delay/2+1)
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-deadline.C:
			t.Stop()
			return fmt.Errorf("%w for %s after %s", errWaitTimeout, what, l.opts.WaitTimeout)
		case <-t.C:
		}
		delay = min(delay*2, l.opts.MaxBackoff)
	}
}

func (l *Lab) progress(p Progress) {
	if l.opts.Progress != nil {
		l.opts.Progress(p)
	}
}
