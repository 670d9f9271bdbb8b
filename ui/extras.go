package ui

import (
	"strings"
	"time"
)

// Extras are the views only the offline AWS can give: what DynamoDB really
// stores, and every KMS call with who made it. main implements it over the
// in-process simulator; on real AWS it is nil and the panels are not offered.
type Extras interface {
	// AtRest returns what is stored for table: the wrapped table key and each
	// item's ciphertext.
	AtRest(table string) (AtRest, error)
	// Audit returns the calls recorded so far, oldest first.
	Audit() []AuditEvent
}

// AtRest is a table as it lies on disk.
type AtRest struct {
	WrappedKey []byte // the table key, encrypted under the KMS key
	Items      []StoredItem
}

// StoredItem is one item's stored form.
type StoredItem struct {
	KeyHash    []byte // hash of the item's primary key, as stored
	Ciphertext []byte
}

// AuditEvent is one recorded call, CloudTrail-style.
type AuditEvent struct {
	Time      time.Time
	Service   string // kms, dynamodb, iam, sts
	Operation string // Decrypt
	Caller    string // principal ARN
	InvokedBy string // e.g. dynamodb.amazonaws.com when a service called on the caller's behalf
	Decision  string // Allow, Deny, or empty
	ErrorCode string
}

// denied reports whether the call was refused.
func (e AuditEvent) denied() bool {
	return strings.EqualFold(e.Decision, "deny") || e.ErrorCode != ""
}

// extrasMsg carries a fresh reading of the Extras.
type extrasMsg struct {
	id     int
	atRest *AtRest
	audit  []AuditEvent
	err    error
	// step and run name the step run this reading follows (step -1 for a
	// reading asked for by a panel toggled on): it becomes that step's
	// snapshot, what going back to it shows once a later step changed things.
	step, run int
}
