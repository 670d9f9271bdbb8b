package cli

import (
	"context"
	"encoding/binary"
	"io"
	"math/rand/v2"
	"sync"
	"time"

	"kmslab/sim"
)

// seededRand is a deterministic random stream for --seed runs: the same seed
// gives the same key ids, access key ids and request ids.
func seededRand(seed int64) io.Reader {
	var s [32]byte
	binary.LittleEndian.PutUint64(s[:], uint64(seed))
	copy(s[8:], "kmslab-seeded-run-stream")
	return rand.NewChaCha8(s)
}

// steppedClock is the clock of a seeded run: it starts at a fixed instant and
// moves a fixed step on every reading, so timestamps depend only on the order
// of calls, never on how fast the machine is.
type steppedClock struct {
	mu   sync.Mutex
	now  time.Time
	step time.Duration
}

// seedEpoch is the fixed start of seeded runs.
var seedEpoch = time.Date(2026, time.January, 15, 9, 30, 0, 0, time.UTC)

func newSteppedClock() *steppedClock {
	return &steppedClock{now: seedEpoch, step: 10 * time.Millisecond}
}

func (c *steppedClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(c.step)
	return c.now
}

// shiftClock is the offline AWS's clock plus a shift that only grows: where
// AWS would make an experiment wait out DynamoDB's 5-minute table key cache,
// the offline AWS's time jumps ahead instead.
type shiftClock struct {
	mu    sync.Mutex
	base  func() time.Time
	shift time.Duration
}

func (c *shiftClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.base().Add(c.shift)
}

// cacheSkip is how far the offline clock jumps for any cache wait: at least
// the longest wait the lab asks for (the TTL and a tenth), and always the
// same, so that seeded runs print the same timestamps whatever the machine's speed.
const cacheSkip = sim.DefaultKeyCache + sim.DefaultKeyCache/10 + time.Second

// Skip moves the clock forward instead of sleeping d (d is at most cacheSkip).
func (c *shiftClock) Skip(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.shift += max(d, cacheSkip)
	return ctx.Err()
}
