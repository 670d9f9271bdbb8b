package awsops

// Error is a failed lab operation, worded for the user: which step, which
// resource, what AWS said, and what to do next.
type Error struct {
	Op       string // the lab operation, e.g. "create table"
	Resource string // the resource concerned, e.g. "kmslab-k3x9qa"
	Code     string // AWS error code when AWS answered, e.g. AccessDeniedException
	Hint     string // what to do next
	Err      error
}

func (e *Error) Error() string { return e.Op }

func (e *Error) Unwrap() error { return e.Err }
