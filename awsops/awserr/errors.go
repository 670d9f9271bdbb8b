// Package awserr words a failed AWS call for the person running the lab:
// one sentence saying what failed, why, and what to do, from the error's
// code or type (errors.As), never its message. It also recognises the
// failures that are not AWS's answer at all: no credentials, an expired
// session, a network that never reached AWS, a wait for eventual
// consistency that ran out.
package awserr

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/smithy-go"
)

// Error is a failed lab operation, worded for the user: which step, which
// resource, what AWS said, and what to do next.
type Error struct {
	Op       string // the lab operation, e.g. "create table"
	Resource string // the resource concerned, e.g. "kmslab-k3x9qa"
	Code     string // AWS error code when AWS answered, e.g. AccessDeniedException
	Message  string // what went wrong, in one line
	Hint     string // what to do next
	Err      error
}

// Error is one sentence without its full stop (a caller may wrap it or add
// one): what failed, why, and after a semicolon what to do.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Op)
	if e.Resource != "" {
		b.WriteString(" " + e.Resource)
	}
	b.WriteString(": ")
	if e.Code != "" && !strings.Contains(e.Message, e.Code) {
		b.WriteString(e.Code + ": ")
	}
	b.WriteString(strings.TrimRight(e.Message, ". "))
	if e.Hint != "" {
		b.WriteString("; " + lowerFirst(strings.TrimRight(e.Hint, ". ")))
	}
	return b.String()
}

// lowerFirst lowers a leading capital, unless the word is an acronym or a
// name (AWS, IAM, KMS): hints are written as sentences of their own.
func lowerFirst(s string) string {
	if len(s) < 2 || s[0] < 'A' || s[0] > 'Z' || (s[1] >= 'A' && s[1] <= 'Z') {
		return s
	}
	return string(s[0]+'a'-'A') + s[1:]
}

func (e *Error) Unwrap() error { return e.Err }

// Fail wraps err as an *Error for op on resource, choosing a hint from what
// the error is. It returns nil for a nil err.
func Fail(op, resource string, err error) error {
	if err == nil {
		return nil
	}
	var already *Error
	if errors.As(err, &already) {
		return err
	}
	e := &Error{Op: op, Resource: resource, Err: err}
	if sentence, ok := CredentialsProblem(err); ok {
		e.Message = strings.TrimSuffix(sentence, ".")
		var ae smithy.APIError
		if errors.As(err, &ae) {
			e.Code = ae.ErrorCode()
		}
		return e
	}
	if why, ok := unreachable(err); ok {
		e.Message = "AWS could not be reached " + why
		e.Hint = ConnectionHint
		return e
	}
	var we *WaitError
	if errors.As(err, &we) {
		// A wait for eventual consistency ran out: what was waited for, and
		// the answer that kept it waiting, classified by its code.
		e.Message = fmt.Sprintf("gave up waiting for %s after %s", we.What, RoundLimit(we.Limit))
		e.Code = Code(we.Last)
		switch e.Code {
		case "NoSuchEntity":
			e.Message += " (IAM still answered that it does not exist)"
			e.Hint = "IAM is slower than usual to show what was just created: retry the step in a few minutes; `kmslab cleanup` removes what was created"
		case "MalformedPolicyDocumentException":
			e.Message += " (KMS still did not recognise a principal the key policy names)"
			e.Hint = "KMS is slower than usual to recognise a new user: retry the step in a few minutes"
		case "DeleteConflict":
			e.Message += " (IAM still counted what was removed)"
			e.Hint = "Run `kmslab cleanup` again in a few minutes"
		default:
			e.Hint = "AWS is slower than usual to apply the change: retry the step in a few minutes; `kmslab cleanup` removes what was created"
		}
		return e
	}
	if errors.Is(err, context.Canceled) {
		e.Message = "interrupted"
		e.Hint = "Whatever was created is in the run ledger: `kmslab cleanup` removes it"
		return e
	}
	if errors.Is(err, context.DeadlineExceeded) {
		e.Message = "timed out"
		e.Hint = "Check your network and retry; `kmslab cleanup` removes what was created"
		return e
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		e.Message = err.Error()
		e.Hint = "Retry the step; if it keeps failing, `kmslab cleanup` removes what was created"
		return e
	}
	e.Code = ae.ErrorCode()
	e.Message = ae.ErrorMessage()
	if e.Message == "" {
		e.Message = e.Code
	}
	switch e.Code {
	case "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError":
		action := CalledAction(err)
		if action == "" {
			action = "the permission this call needs"
		}
		e.Hint = fmt.Sprintf("The signed-in identity lacks %s: ask an administrator for it, or use a profile that has it (`kmslab --aws --profile ...`)", action)
	case "ThrottlingException", "Throttling", "LimitExceededException", "ProvisionedThroughputExceededException", "RequestLimitExceeded", "TooManyRequestsException":
		e.Hint = "AWS is throttling requests even after retries: wait a minute and retry the step"
	case "ResourceInUseException", "EntityAlreadyExists", "AlreadyExistsException":
		e.Hint = "A resource with this name already exists: run `kmslab cleanup`, or start a new run"
	case "ResourceNotFoundException", "NotFoundException", "NoSuchEntity":
		e.Hint = "It no longer exists (perhaps cleaned up elsewhere): start a new run"
	case "KMSInvalidStateException", "DisabledException":
		e.Hint = "The key is disabled or scheduled for deletion: start a new run"
	case "MalformedPolicyDocumentException", "MalformedPolicyDocument":
		e.Hint = "AWS refused the key policy; a principal it names may be too new: retry in a few seconds"
	default:
		e.Hint = "Retry the step; if it keeps failing, `kmslab cleanup` removes what was created"
	}
	return e
}

// Code returns the AWS error code in err, or "".
func Code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// IsCode reports whether err carries one of the AWS error codes.
func IsCode(err error, codes ...string) bool {
	c := Code(err)
	for _, want := range codes {
		if c == want {
			return true
		}
	}
	return false
}

// servicePrefixes are the IAM action prefixes of the SDK clients' service
// ids, so that a refused call names the permission it needed.
var servicePrefixes = map[string]string{"IAM": "iam", "KMS": "kms", "DynamoDB": "dynamodb", "STS": "sts"}

// CalledAction is the IAM action of the SDK call err came from, e.g.
// "iam:CreateUser", or "" when err does not say which call it was.
func CalledAction(err error) string {
	var oe *smithy.OperationError
	if !errors.As(err, &oe) {
		return ""
	}
	prefix, ok := servicePrefixes[oe.Service()]
	if !ok {
		prefix = strings.ToLower(oe.Service())
	}
	return prefix + ":" + oe.Operation()
}
