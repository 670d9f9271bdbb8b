package wire

import (
	"fmt"
	"strings"

	"kmslab/sim/api"
)

// Violations collects a request's constraint violations and reports them all
// at once, worded as AWS's request validation does:
// "1 validation error detected: a" or "2 validation errors detected: a; b".
type Violations struct {
	List []string
}

// Add records one violation.
func (v *Violations) Add(format string, args ...any) {
	v.List = append(v.List, fmt.Sprintf(format, args...))
}

// Err is nil, or the 400 error with code (ValidationException; IAM's is
// ValidationError) listing every violation.
func (v *Violations) Err(code string) error {
	switch len(v.List) {
	case 0:
		return nil
	case 1:
		return api.BadRequest(code, "1 validation error detected: %s", v.List[0])
	}
	return api.BadRequest(code, "%d validation errors detected: %s", len(v.List), strings.Join(v.List, "; "))
}
