// Package simtest holds what tests of several packages need to drive the
// offline AWS: a clock they move by hand, one the lab's waits skip forward,
// and the key policy the KMS console
// writes. It is for tests and the bench, and imports no part of sim so that
// sim's own packages can use it in their internal tests.
package simtest

import (
	"context"
	"sync"
	"time"

	"kmslab/policy"
)

// Clock is a clock a test moves by hand. Start it at the real time when the
// SDK signs requests, so that SigV4's 15-minute skew window accepts them.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock reading now.
func NewClock(now time.Time) *Clock { return &Clock{now: now} }

// Now is the clock's time; pass it as sim.Options.Clock or api.NewEnv's clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Set puts the clock at t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// ConsolePolicy is the key policy the KMS console writes for account with the
// given key administrators and key users (policy.ConsoleKeyPolicy), the
// grant statement for AWS resources included.
func ConsolePolicy(account string, admins, users []string) string {
	return policy.ConsoleKeyPolicy("aws", account, admins, users)
}

// SkipClock is a clock shared by the offline AWS and the lab whose Sleep moves
// it forward instead of waiting: DynamoDB's 5-minute key cache passes in no
// time, and always by exactly as much as the lab asked. It reads the real time
// plus what was skipped, so SigV4's skew window accepts the SDK's requests.
type SkipClock struct {
	mu  sync.Mutex
	off time.Duration
}

// Now is the real time plus every Sleep so far.
func (c *SkipClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.off)
}

// Sleep moves the clock forward by d at once; it fails only if ctx is done.
func (c *SkipClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.off += d
	c.mu.Unlock()
	return ctx.Err()
}
