package awsops

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"syscall"

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

// ConnectionProblem reports whether err means AWS could not be reached at
// all (no network, a wrong --endpoint-url, a host name that does not
// resolve, an untrusted certificate), with one sentence saying what failed,
// why and what to do. Nothing can have been created by a call that never
// arrived, so it does not send the user to cleanup.
func ConnectionProblem(err error) (string, bool) {
	why, ok := unreachable(err)
	if !ok {
		return "", false
	}
	return "AWS could not be reached " + why + ": " + connectionHint + ".", true
}

const connectionHint = "check your network connection, proxy settings and --endpoint-url, then try again"

// unreachable says where and why a request never reached AWS, from the
// errors the SDK wraps (url.Error around net and TLS errors).
func unreachable(err error) (string, bool) {
	if err == nil {
		return "", false
	}
	where := ""
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil && u.Host != "" {
			where = "at " + u.Host + " "
		}
	}
	var dns *net.DNSError
	var cert *tls.CertificateVerificationError
	var unknownCA x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var nerr net.Error
	var op *net.OpError
	switch {
	case errors.As(err, &dns):
		return fmt.Sprintf("%s(the host name %s does not resolve)", where, dns.Name), true
	case errors.As(err, &cert), errors.As(err, &unknownCA), errors.As(err, &hostname):
		return where + "(its TLS certificate is not trusted, as behind an intercepting proxy)", true
	case errors.Is(err, syscall.ECONNREFUSED):
		return where + "(the connection was refused)", true
	case errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH):
		return where + "(no network route to it)", true
	case errors.As(err, &nerr) && nerr.Timeout() && !errors.Is(err, context.DeadlineExceeded):
		return where + "(it did not answer in time)", true
	case errors.As(err, &op):
		return where + "(the connection failed)", true
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
	if why, ok := unreachable(err); ok {
		e.Message = "AWS could not be reached " + why
		e.Hint = connectionHint
		return e
	}
	var we *WaitError
	if errors.As(err, &we) {
		// A wait for eventual consistency ran out: what was waited for, and
		// the answer that kept it waiting, classified by its code.
		e.Message = fmt.Sprintf("gave up waiting for %s after %s", we.What, roundLimit(we.Limit))
		e.Code = apiCode(we.Last)
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
		action := calledAction(err)
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
