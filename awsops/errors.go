package awsops

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/ssocreds"
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
	b.WriteString(strings.TrimSuffix(e.Message, "."))
	if e.Hint != "" {
		b.WriteString(". " + e.Hint)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Error codes AWS uses when a request's credentials are not accepted.
var credentialCodes = map[string]string{
	"ExpiredToken":                "your AWS session has expired",
	"ExpiredTokenException":       "your AWS session has expired",
	"RequestExpired":              "the request expired; check that this computer's clock is right",
	"InvalidClientTokenId":        "AWS does not recognise the access key in use",
	"UnrecognizedClientException": "AWS does not recognise the access key in use",
	"SignatureDoesNotMatch":       "AWS rejected the request signature; check the secret access key",
	"InvalidSignatureException":   "AWS rejected the request signature; check the secret access key",
	"MissingAuthenticationToken":  "the request carried no credentials",
}

const credentialHint = "Sign in again (`aws sso login`, or `aws configure`) and retry"

// CredentialsProblem reports whether err means the user must sign in again
// (an expired SSO session or token, no credentials at all, an unknown key),
// with one sentence saying so.
func CredentialsProblem(err error) (string, bool) {
	var sso *ssocreds.InvalidTokenError
	if errors.As(err, &sso) {
		return "Your AWS SSO session has expired: run `aws sso login` (with --profile if you use one) and try again.", true
	}
	var ce *credentialsError
	if errors.As(err, &ce) {
		return "No usable AWS credentials were found: run `aws configure` or `aws sso login`, or set AWS_PROFILE, and try again.", true
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		if what, ok := credentialCodes[ae.ErrorCode()]; ok {
			return strings.ToUpper(what[:1]) + what[1:] + ": " + strings.ToLower(credentialHint[:1]) + credentialHint[1:] + ".", true
		}
	}
	return "", false
}

// fail wraps err as an *Error for op on resource, choosing a hint from what
// the error is. It returns nil for a nil err.
func fail(op, resource string, err error) error {
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
		action, _, _, _ := parseDenied(ae.ErrorMessage())
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

// apiCode returns the AWS error code in err, or "".
func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// credentialsError marks a failure to obtain credentials at all, which the
// SDK reports only as text.
type credentialsError struct{ err error }

func (e *credentialsError) Error() string { return "retrieve AWS credentials: " + e.err.Error() }
func (e *credentialsError) Unwrap() error { return e.err }

// credentialsProbe wraps the caller's provider so that a failure to find
// credentials can be recognised with errors.As.
type credentialsProbe struct{ inner aws.CredentialsProvider }

func (p credentialsProbe) Retrieve(ctx context.Context) (aws.Credentials, error) {
	if p.inner == nil {
		return aws.Credentials{}, &credentialsError{errors.New("no credentials provider configured")}
	}
	c, err := p.inner.Retrieve(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return c, err
		}
		return c, &credentialsError{err}
	}
	return c, nil
}

// IsCredentialsProvider lets the SDK see through the probe (it checks for
// anonymous credentials this way).
func (p credentialsProbe) IsCredentialsProvider(target aws.CredentialsProvider) bool {
	return aws.IsCredentialsProvider(p.inner, target)
}
