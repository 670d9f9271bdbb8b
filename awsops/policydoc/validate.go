package policydoc

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"kmslab/policy"
)

// Error is a key policy the lab refuses to apply: what is wrong and,
// when it can be placed, the line (1-based; 0 when unknown).
type Error struct {
	Line    int
	Message string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, e.Message)
	}
	return e.Message
}

// ValidateKeyPolicy checks a key policy as KMS would before applying it: JSON
// syntax (with the line of the mistake) and the policy language's rules.
func ValidateKeyPolicy(doc string) error {
	var v any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return &Error{Line: lineAt(doc, int(se.Offset)), Message: "invalid JSON: " + se.Error()}
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return &Error{Line: lineAt(doc, int(te.Offset)), Message: "invalid JSON: " + te.Error()}
		}
		return &Error{Message: "invalid JSON: " + err.Error()}
	}
	if _, err := policy.ParseResource([]byte(doc)); err != nil {
		var pe *policy.ParseError
		if errors.As(err, &pe) {
			msg := pe.Message
			if pe.Detail != "" {
				msg += " (" + pe.Detail + ")"
			}
			return &Error{Message: msg}
		}
		return &Error{Message: err.Error()}
	}
	return nil
}

// lineAt is the 1-based line of byte offset off in s.
func lineAt(s string, off int) int {
	off = min(max(off, 0), len(s))
	return strings.Count(s[:off], "\n") + 1
}
