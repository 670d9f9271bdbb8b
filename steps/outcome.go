package steps

import (
	"kmslab/awsops"
	"kmslab/awsops/explain"
	"kmslab/awsops/ledger"
	"kmslab/awsops/policydoc"
)

// Outcome is what one run of a step produced: where it stands, a one-line
// summary and, when there is something to show, one typed Result.
type Outcome struct {
	Status  Status
	Err     error
	Summary string // one line
	// Result is nil when the step produced nothing to show (most failures).
	// Renderers switch on its concrete type: the kind of result decides what
	// is shown, once, here, rather than each renderer guessing from which
	// fields happen to be set.
	Result Result
}

// Result is one kind of step result: KeyCreated, TableEncrypted, ItemsRead,
// UserCreated, ReadDenied, KeyUseGranted, CleanedUp, or a plain Note. A new
// step (an experiment) can return a Note and touch nothing outside steps;
// a kind of its own adds its type here and one view in ui (result.go).
type Result interface{ isResult() }

// Facter is a result that can describe itself as labelled values. A
// renderer with no view of its own for a kind (the TUI, `kmslab run`) shows
// these, so a new kind of result is shown before anyone draws it better.
type Facter interface {
	Facts() [][2]string
}

// Note is a result that is just labelled values, in order: what a new step
// (an experiment) can return before it deserves a view of its own, shown
// as it is by the TUI and `kmslab run`.
type Note struct {
	Pairs [][2]string
}

// Facts returns the note's values.
func (n Note) Facts() [][2]string { return n.Pairs }

// KeyCreated is part 1's key, shown whole with its policy.
type KeyCreated struct{ Key awsops.Key }

// TableEncrypted is part 2's table and the key that encrypts it, shown in
// brief since part 1 showed it whole.
type TableEncrypted struct {
	Table awsops.Table
	Key   *awsops.Key // nil when describing the key failed
	// KeyFrom names the step that created the key ("part 1"), if any.
	KeyFrom string
}

// ItemsRead is a read of the table that returned items: part 3's read as the
// admin, or part 5's read that should have been refused.
type ItemsRead struct{ Items []awsops.Item }

// UserCreated is part 4's test user.
type UserCreated struct{ User awsops.TestUser }

// ReadDenied is part 5's refusal, with IAM's simulation of it and the
// contrasting DescribeTable that the same user may make.
type ReadDenied struct {
	Denied      awsops.Denied
	Explanation *explain.Explanation // nil when the simulation failed
	Table       *awsops.Table        // nil when the contrasting describe failed
	// FixedBy names the step that lets the user in ("part 6"), if any.
	FixedBy string
}

// KeyUseGranted is part 6's key policy edit and the read that follows it.
type KeyUseGranted struct {
	Change policydoc.Change
	Access awsops.Access
	// Explanation is the decision traced again after the edit; nil when it failed.
	Explanation *explain.Explanation
}

// CleanedUp is what cleanup did with each resource.
type CleanedUp struct{ Report ledger.CleanupReport }

func (Note) isResult()           {}
func (KeyCreated) isResult()     {}
func (TableEncrypted) isResult() {}
func (ItemsRead) isResult()      {}
func (UserCreated) isResult()    {}
func (ReadDenied) isResult()     {}
func (KeyUseGranted) isResult()  {}
func (CleanedUp) isResult()      {}

// Items returns the items a result shows, if any: the at-rest view puts
// them beside their ciphertext.
func Items(r Result) []awsops.Item {
	switch r := r.(type) {
	case ItemsRead:
		return r.Items
	case KeyUseGranted:
		return r.Access.Items
	}
	return nil
}

// KeyOf returns the key a result names, if any.
func KeyOf(r Result) *awsops.Key {
	switch r := r.(type) {
	case KeyCreated:
		return &r.Key
	case TableEncrypted:
		return r.Key
	}
	return nil
}
