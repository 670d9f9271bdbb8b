package awsops

import (
	"errors"
	"time"
)

// Ledger is one run's record of what it created, kept at
// <state dir>/runs/<run-id>.json with mode 0600. Every resource is written
// before it is created and marked deleted as cleanup removes it; the file is
// removed once everything is gone. It never holds a secret.
type Ledger struct {
	Version   int           `json:"version"`
	RunID     string        `json:"run_id"`
	Account   string        `json:"account,omitempty"`
	Region    string        `json:"region,omitempty"`
	Endpoint  string        `json:"endpoint,omitempty"` // a custom endpoint, when not AWS itself
	Created   time.Time     `json:"created"`
	Resources []LedgerEntry `json:"resources"`
}

// LedgerEntry is one resource of a run.
type LedgerEntry struct {
	Kind    string    `json:"kind"`
	Name    string    `json:"name,omitempty"` // empty until known (a new key's id, a new access key's id)
	User    string    `json:"user,omitempty"` // owner of an access key or policy attachment
	ARN     string    `json:"arn,omitempty"`
	State   string    `json:"state"` // planned, created, deleted
	Updated time.Time `json:"updated"`
}

// Ledger entry states.
const (
	StatePlanned = "planned" // about to be created; it may or may not exist
	StateCreated = "created"
	StateDeleted = "deleted"
)

// LoadLedgers reads every run ledger under stateDir.
func LoadLedgers(stateDir string) ([]Ledger, error) { return nil, errors.New("todo") }
