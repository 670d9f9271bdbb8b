package awserr

import (
	"context"
	"errors"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/ssocreds"
	"github.com/aws/smithy-go"
)

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

// WithProbe copies cfg with its credentials wrapped in a probe, so that
// "no credentials" can be told apart from other failures.
func WithProbe(cfg aws.Config) aws.Config {
	cfg = cfg.Copy()
	if _, done := cfg.Credentials.(credentialsProbe); done {
		return cfg
	}
	if cfg.Credentials != nil && aws.IsCredentialsProvider(cfg.Credentials, (*aws.AnonymousCredentials)(nil)) {
		return cfg
	}
	cfg.Credentials = credentialsProbe{inner: cfg.Credentials}
	return cfg
}
