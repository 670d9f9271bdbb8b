package awsops

import (
	"io"
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
}

// NewNames derives a run's resource names from its id.
func NewNames(runID string) Names {
	return Names{
		RunID: runID,
		Alias: "alias/kmslab-" + runID,
		Table: "kmslab-" + runID,
		User:  "kmslab-user-" + runID,
	}
}

// NewRunID reads random bytes from r (crypto/rand.Reader, or a seeded reader
// for reproducible runs) and returns a short lowercase id.
func NewRunID(r io.Reader) string { return "" }

// ValidRunID reports whether id could have come from NewRunID (or a user's
// --run-id): 1 to 20 characters of a-z and 0-9.
func ValidRunID(id string) bool { return false }
