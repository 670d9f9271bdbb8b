package api

import (
	"crypto/rand"
	"encoding/hex"
	"io"
	"strings"
	"sync"
	"time"
)

// Env is what every service needs from its surroundings. Clock and Rand are
// injectable so that a seeded run produces the same ids and timestamps.
type Env struct {
	AccountID string
	Region    string
	Clock     func() time.Time

	mu   sync.Mutex
	rand io.Reader
	// parent, for an environment made by InRegion, supplies the randomness,
	// so that every region draws from one stream (one seed, one sequence).
	parent *Env
}

// InRegion is e for another region of the same account: same clock, same
// random stream.
func (e *Env) InRegion(region string) *Env {
	root := e
	for root.parent != nil {
		root = root.parent
	}
	return &Env{AccountID: e.AccountID, Region: region, Clock: e.Clock, parent: root}
}

// NewEnv returns an environment; a nil clock means time.Now and a nil reader crypto/rand.
func NewEnv(account, region string, clock func() time.Time, r io.Reader) *Env {
	if clock == nil {
		clock = time.Now
	}
	if r == nil {
		r = rand.Reader
	}
	return &Env{AccountID: account, Region: region, Clock: clock, rand: r}
}

// Now is the environment's current time, truncated to milliseconds as AWS reports it.
func (e *Env) Now() time.Time { return e.Clock().UTC().Truncate(time.Millisecond) }

// Read fills b with random bytes; it serializes access so a seeded reader stays deterministic.
func (e *Env) Read(b []byte) (int, error) {
	if e.parent != nil {
		return e.parent.Read(b)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return io.ReadFull(e.rand, b)
}

// Bytes returns n random bytes.
func (e *Env) Bytes(n int) []byte {
	b := make([]byte, n)
	if _, err := e.Read(b); err != nil {
		panic("kmslab/sim: random source failed: " + err.Error())
	}
	return b
}

// UUID returns a random version-4 UUID string, the form AWS uses for key ids and request ids.
func (e *Env) UUID() string {
	b := e.Bytes(16)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

const idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

// ID returns an IAM-style id: prefix (AIDA, AKIA, ANPA...) followed by base32 characters, 20 or 21 long.
func (e *Env) ID(prefix string, n int) string {
	var sb strings.Builder
	sb.WriteString(prefix)
	for _, c := range e.Bytes(n - len(prefix)) {
		sb.WriteByte(idAlphabet[int(c)%len(idAlphabet)])
	}
	return sb.String()
}

// Secret returns a 40-character secret access key. It always comes from
// crypto/rand, even in a seeded run: seeds are public (the README uses --seed 1)
// and loopback is reachable by every local user. The seeded stream is still
// consumed as before, so every other id of a seeded run stays the same.
func (e *Env) Secret() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	_ = e.Bytes(40)
	b := make([]byte, 40)
	if _, err := rand.Read(b); err != nil {
		panic("kmslab/sim: crypto/rand failed: " + err.Error())
	}
	var sb strings.Builder
	for _, c := range b {
		sb.WriteByte(alphabet[int(c)%len(alphabet)])
	}
	return sb.String()
}
