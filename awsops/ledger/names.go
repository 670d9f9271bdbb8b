package ledger

import (
	"encoding/binary"
	"io"
	"time"
)

// TagKey is the tag carried by every resource a run creates; its value is the run id.
const TagKey = "kmslab:run"

// Names are the names of everything one run creates. Nothing outside these
// names is ever modified or deleted.
type Names struct {
	RunID string // short, lowercase, e.g. "k3x9qa"
	Alias string // alias/kmslab-<id>
	Table string // kmslab-<id>
	User  string // kmslab-user-<id>
	// Prefix starts the names of the IAM policies and grants experiments
	// create: kmslab-<id>-
	Prefix string
}

// NewNames derives a run's resource names from its id.
func NewNames(runID string) Names {
	return Names{
		RunID:  runID,
		Alias:  "alias/kmslab-" + runID,
		Table:  "kmslab-" + runID,
		User:   "kmslab-user-" + runID,
		Prefix: "kmslab-" + runID + "-",
	}
}

// NewRunID reads random bytes from r (crypto/rand.Reader, or a seeded reader
// for reproducible runs) and returns a short lowercase id.
func NewRunID(r io.Reader) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	var b [8]byte
	if r == nil || readFull(r, b[:runIDLen]) != nil {
		// A failing reader should not stop a lab; the clock is unique enough for one person's runs.
		binary.LittleEndian.PutUint64(b[:], uint64(time.Now().UnixNano()))
	}
	id := make([]byte, runIDLen)
	for i := range id {
		id[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(id)
}

const runIDLen = 6

func readFull(r io.Reader, b []byte) error {
	_, err := io.ReadFull(r, b)
	return err
}

// ValidRunID reports whether id could have come from NewRunID (or a user's
// --run-id): 1 to 20 characters of a-z and 0-9.
func ValidRunID(id string) bool {
	if id == "" || len(id) > 20 {
		return false
	}
	for _, c := range id {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}
