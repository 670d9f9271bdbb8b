// Package ledger is what a lab run created and how it is removed again.
// Every resource is written to the run's ledger before it is created, so an
// interrupted run can always be cleaned up; cleanup removes what a ledger
// records in the reverse order of creation, each resource checked as the
// run's by its name (Names) and its tag (TagKey), and Leftovers finds what
// unfinished runs left behind, by their ledgers and by their tags.
package ledger

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// Ledger is one run's record of what it created, kept at
// <state dir>/runs/<run-id>.json with mode 0600. Every resource is written
// before it is created and marked deleted as cleanup removes it; the file is
// removed once everything is gone. It never holds a secret.
type Ledger struct {
	Version   int       `json:"version"`
	RunID     string    `json:"run_id"`
	Account   string    `json:"account,omitempty"`
	Region    string    `json:"region,omitempty"`
	Endpoint  string    `json:"endpoint,omitempty"` // a custom endpoint, when not AWS itself
	Created   time.Time `json:"created"`
	Resources []Entry   `json:"resources"`
	// Owner and Active tell cleanup whether the run is still in progress
	// (live.go): the process writing it, and when it last wrote (the
	// wall clock, whatever clock the run is seeded with).
	Owner  *Owner    `json:"owner,omitempty"`
	Active time.Time `json:"active,omitzero"`
}

// Entry is one resource of a run.
type Entry struct {
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

const ledgerVersion = 1

// Pending returns the entries not yet deleted.
func (l Ledger) Pending() []Entry {
	var out []Entry
	for _, e := range l.Resources {
		if e.State != StateDeleted {
			out = append(out, e)
		}
	}
	return out
}

// DefaultStateDir is $XDG_STATE_HOME/kmslab, or ~/.local/state/kmslab.
func DefaultStateDir() (string, error) {
	if d := os.Getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "kmslab"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("state directory: %w (set XDG_STATE_HOME)", err)
	}
	return filepath.Join(home, ".local", "state", "kmslab"), nil
}

func runsDir(stateDir string) string { return filepath.Join(stateDir, "runs") }

func ledgerPath(stateDir, runID string) string {
	return filepath.Join(runsDir(stateDir), runID+".json")
}

// Load reads every run ledger under stateDir, oldest first. A missing
// directory means no ledgers. A file that cannot be read is an error naming it.
func Load(stateDir string) ([]Ledger, error) {
	entries, err := os.ReadDir(runsDir(stateDir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read ledgers: %w", err)
	}
	removeStaleTemps(runsDir(stateDir), entries, time.Now())
	var out []Ledger
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".json") || strings.HasPrefix(name, ".") {
			continue
		}
		path := filepath.Join(runsDir(stateDir), name)
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("read ledger %s: %w", path, err)
		}
		l, err := decodeLedger(b)
		if err != nil {
			return nil, fmt.Errorf("ledger %s: %w", path, err)
		}
		if l.RunID+".json" != name {
			return nil, fmt.Errorf("ledger %s: records run %q", path, l.RunID)
		}
		out = append(out, l)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Created.Before(out[j].Created) })
	return out, nil
}

// staleTempAge is how old a writeFileAtomic temp file must be to count as
// left by a killed process: a live writer renames its file within milliseconds.
const staleTempAge = time.Minute

// removeStaleTemps removes the temp files (.<run>.json.<n>.tmp) a process
// killed between CreateTemp and Rename left in dir. Young ones may belong to a
// writer still at work and stay; a failure to remove one is not worth failing
// the caller for.
func removeStaleTemps(dir string, entries []fs.DirEntry, now time.Time) {
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || !strings.HasPrefix(name, ".") || !strings.HasSuffix(name, ".tmp") || !strings.Contains(name, ".json.") {
			continue
		}
		fi, err := e.Info()
		if err != nil || now.Sub(fi.ModTime()) < staleTempAge {
			continue
		}
		_ = os.Remove(filepath.Join(dir, name))
	}
}

var knownKinds = map[string]bool{
	KindAccessKey: true, KindPolicy: true, KindUser: true,
	KindTable: true, KindAlias: true, KindKey: true,
	KindInlinePolicy: true, KindManagedPolicy: true, KindGrant: true,
}

// decodeLedger parses and checks a ledger file, which anyone with access to
// the state directory could have edited: cleanup must never act on a name
// outside the run's own.
func decodeLedger(b []byte) (Ledger, error) {
	var l Ledger
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&l); err != nil {
		return Ledger{}, fmt.Errorf("decode: %w", err)
	}
	if dec.More() {
		return Ledger{}, errors.New("decode: data after the ledger")
	}
	if l.Version != ledgerVersion {
		return Ledger{}, fmt.Errorf("version %d: this kmslab understands version %d", l.Version, ledgerVersion)
	}
	if !ValidRunID(l.RunID) {
		return Ledger{}, fmt.Errorf("run id %q is not a kmslab run id", l.RunID)
	}
	for i, e := range l.Resources {
		if !knownKinds[e.Kind] {
			return Ledger{}, fmt.Errorf("resource %d: unknown kind %q", i, e.Kind)
		}
		switch e.State {
		case StatePlanned, StateCreated, StateDeleted:
		default:
			return Ledger{}, fmt.Errorf("resource %d: unknown state %q", i, e.State)
		}
	}
	return l, nil
}

// File is a run's ledger in memory, written through to disk unless
// persistence is off. Every change is saved before the method returns, so
// the file on disk is never behind the AWS calls that follow.
type File struct {
	mu      sync.Mutex
	path    string // "" when not persisted
	now     func() time.Time
	l       Ledger
	written bool // the file exists on disk
}

// Open loads the run's ledger from stateDir if one exists, or starts
// an empty one (written on the first change).
func Open(stateDir, runID string, persist bool, now func() time.Time) (*File, error) {
	f := &File{now: now, l: Ledger{Version: ledgerVersion, RunID: runID, Created: now().UTC(), Owner: currentOwner()}}
	if !persist {
		return f, nil
	}
	f.path = ledgerPath(stateDir, runID)
	if entries, err := os.ReadDir(runsDir(stateDir)); err == nil {
		removeStaleTemps(runsDir(stateDir), entries, now())
	}
	b, err := os.ReadFile(f.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return f, nil
	case err != nil:
		return nil, fmt.Errorf("read ledger %s: %w", f.path, err)
	}
	l, err := decodeLedger(b)
	if err != nil {
		return nil, fmt.Errorf("ledger %s: %w", f.path, err)
	}
	if l.RunID != runID {
		return nil, fmt.Errorf("ledger %s: records run %q, not %q", f.path, l.RunID, runID)
	}
	f.l = l
	f.l.Owner = currentOwner() // this process carries the run on now
	f.written = true
	return f, nil
}

// Path is where the ledger is kept, "" when it is not persisted.
func (f *File) Path() string { return f.path }

// Snapshot is a copy of the ledger as it stands.
func (f *File) Snapshot() Ledger {
	f.mu.Lock()
	defer f.mu.Unlock()
	l := f.l
	l.Resources = append([]Entry(nil), f.l.Resources...)
	return l
}

// SetOrigin records the account, region and endpoint the run works in.
func (f *File) SetOrigin(account, region, endpoint string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.l.Account, f.l.Region, f.l.Endpoint = account, region, endpoint
	if !f.written {
		return nil // nothing recorded yet: no file to update
	}
	return f.saveLocked()
}

// Plan records a resource about to be created and returns its index. A
// resource already recorded and not deleted is reused, so retrying a step
// does not grow the ledger.
func (f *File) Plan(kind, name, user string) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, e := range f.l.Resources {
		if e.Kind == kind && e.Name == name && e.User == user && e.State != StateDeleted {
			return i, nil
		}
	}
	f.l.Resources = append(f.l.Resources, Entry{
		Kind: kind, Name: name, User: user, State: StatePlanned, Updated: f.now().UTC(),
	})
	return len(f.l.Resources) - 1, f.saveLocked()
}

// Created confirms the resource at i, filling in what creation revealed.
func (f *File) Created(i int, name, arn string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if i < 0 || i >= len(f.l.Resources) {
		return fmt.Errorf("ledger: no resource %d", i)
	}
	e := &f.l.Resources[i]
	if name != "" {
		e.Name = name
	}
	if arn != "" {
		e.ARN = arn
	}
	e.State = StateCreated
	e.Updated = f.now().UTC()
	return f.saveLocked()
}

// Deleted marks every entry of kind gone (for one run there is one user,
// table, alias and key; access keys and attachments all go with their user),
// and removes the file once nothing is left.
func (f *File) Deleted(kind string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	changed := false
	for i := range f.l.Resources {
		e := &f.l.Resources[i]
		if e.Kind == kind && e.State != StateDeleted {
			e.State = StateDeleted
			e.Updated = f.now().UTC()
			changed = true
		}
	}
	if !changed {
		return nil
	}
	return f.saveLocked()
}

func (f *File) saveLocked() error {
	if f.path == "" {
		return nil
	}
	if len(f.l.Pending()) == 0 {
		if !f.written {
			return nil
		}
		if err := os.Remove(f.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove ledger %s: %w", f.path, err)
		}
		f.written = false
		return nil
	}
	f.l.Active = time.Now().UTC()
	b, err := json.MarshalIndent(f.l, "", "  ")
	if err != nil {
		return fmt.Errorf("encode ledger: %w", err)
	}
	if err := writeFileAtomic(f.path, append(b, '\n')); err != nil {
		return fmt.Errorf("write ledger %s: %w", f.path, err)
	}
	f.written = true
	return nil
}

// writeFileAtomic replaces path with b so that a crash leaves either the old
// file or the new one, never half of either.
func writeFileAtomic(path string, b []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	// MkdirAll leaves an existing directory as it is: a ledger dir others can
	// list or write would let them read run names or swap a ledger.
	if fi, err := os.Stat(dir); err != nil {
		return err
	} else if fi.Mode().Perm() != 0o700 {
		if err := os.Chmod(dir, 0o700); err != nil {
			return err
		}
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	done := false
	defer func() {
		if !done {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(0o600); err != nil {
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	done = true
	return nil
}
