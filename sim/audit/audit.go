// Package audit keeps a CloudTrail-style record of every call the offline AWS
// serves, including the calls a service makes on a caller's behalf (DynamoDB
// decrypting its table key as the caller). It exists for teaching: the TUI shows
// who asked KMS for what and whether the key policy said yes.
//
// Events never hold secrets or plaintext: only names, ARNs, codes and messages.
package audit

import (
	"encoding/json"
	"io"
	"strings"
	"sync"
	"time"

	"kmslab/sim/api"
)

// Event is one recorded call, shaped after a CloudTrail record.
type Event struct {
	Time         time.Time    `json:"eventTime"`
	Source       string       `json:"eventSource"` // kms.amazonaws.com
	Name         string       `json:"eventName"`   // Decrypt
	Region       string       `json:"awsRegion"`
	Identity     UserIdentity `json:"userIdentity"`
	Decision     string       `json:"decision,omitempty"` // Allow, Deny; empty when no authorization ran
	ErrorCode    string       `json:"errorCode,omitempty"`
	ErrorMessage string       `json:"errorMessage,omitempty"`
	RequestID    string       `json:"requestID"`
	Resources    []string     `json:"resources,omitempty"`
	SourceIP     string       `json:"sourceIPAddress,omitempty"`
	UserAgent    string       `json:"userAgent,omitempty"`
}

// UserIdentity names the caller. InvokedBy is set when a service made the call
// for the caller, as CloudTrail does ("dynamodb.amazonaws.com").
type UserIdentity struct {
	Type        string `json:"type"` // IAMUser, Root, Unknown
	ARN         string `json:"arn,omitempty"`
	AccountID   string `json:"accountId,omitempty"`
	AccessKeyID string `json:"accessKeyId,omitempty"`
	UserName    string `json:"userName,omitempty"`
	InvokedBy   string `json:"invokedBy,omitempty"`
}

// IdentityOf is the audit identity of p (Unknown when unauthenticated).
func IdentityOf(p *api.Principal) UserIdentity {
	if p == nil {
		return UserIdentity{Type: "Unknown"}
	}
	typ := "IAMUser"
	switch {
	case p.IsRoot:
		typ = "Root"
	case strings.Contains(p.ARN, ":assumed-role/"):
		typ = "AssumedRole"
	}
	return UserIdentity{Type: typ, ARN: p.ARN, AccountID: p.AccountID, AccessKeyID: p.AccessKeyID, UserName: p.UserName}
}

// Log is an append-only, concurrency-safe event list with an optional JSON-lines sink.
// It is a ring: once full, each new event replaces the oldest in constant time.
type Log struct {
	mu     sync.Mutex
	events []Event // ring storage, len <= max
	next   int     // where the next event goes once the ring is full
	sinks  []io.Writer
	max    int
}

// New returns a log keeping at most max events in memory (0 = 10000); older ones are
// dropped so a long-running server does not grow without bound. A negative max keeps
// none: the sink still sees every event.
func New(max int) *Log {
	if max == 0 {
		max = 10000
	}
	return &Log{max: max}
}

// SetSink makes every later event also be written to w as one JSON line.
func (l *Log) SetSink(w io.Writer) { l.SetSinks(w) }

// SetSinks makes every later event also be written to each of ws as one JSON
// line. Each gets every event whatever the others do: a sink that fails (a
// full disk under the audit log file) never keeps the next one from its line,
// as io.MultiWriter would. A sink reports its own failures (see Guarded).
func (l *Log) SetSinks(ws ...io.Writer) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sinks = ws
}

// Record appends e.
func (l *Log) Record(e Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case l.max < 0:
	case len(l.events) < l.max:
		l.events = append(l.events, e)
	default:
		l.events[l.next] = e
		l.next = (l.next + 1) % l.max
	}
	if len(l.sinks) > 0 {
		if b, err := json.Marshal(e); err == nil {
			b = append(b, '\n')
			for _, w := range l.sinks {
				_, _ = w.Write(b)
			}
		}
	}
}

// Events returns a copy of the recorded events, oldest first.
func (l *Log) Events() []Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]Event, 0, len(l.events))
	out = append(out, l.events[l.next:]...)
	return append(out, l.events[:l.next]...)
}

// Max is how many events the log keeps in memory (negative: none).
func (l *Log) Max() int { return l.max }

// Keeps reports whether the log holds events in memory at all.
func (l *Log) Keeps() bool { return l.max >= 0 }

// Len is the number of events held.
func (l *Log) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.events)
}
