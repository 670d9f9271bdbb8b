// Package api holds the types every offline service shares: the AWS error
// shape, the authenticated caller, the per-request context and the service
// environment (account, region, clock, randomness). It has no behaviour of its
// own so that services can depend on it without depending on each other.
package api

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// Error is an AWS error as it goes over the wire. One type for every service:
// the protocol writer decides how it is framed (JSON __type or XML ErrorResponse).
type Error struct {
	Code    string
	Message string
	Status  int
	// Sender marks client faults in query protocol responses (<Type>Sender</Type>).
	Sender bool
	// Fields are the error shape's members beyond the message (DynamoDB's
	// CancellationReasons, a failed condition's Item), written by the JSON protocol.
	Fields map[string]any
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Errorf builds a client fault with the given code and HTTP status.
func Errorf(status int, code, format string, args ...any) *Error {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	return &Error{Code: code, Message: msg, Status: status, Sender: status < 500}
}

// BadRequest is the common 400 client fault.
func BadRequest(code, format string, args ...any) *Error {
	return Errorf(http.StatusBadRequest, code, format, args...)
}

// Principal is the authenticated caller: an IAM user, a role session, or
// the account root (UserName "" and IsRoot).
type Principal struct {
	ARN string
	// RoleARN is set for a role session: its role's ARN, path included,
	// which ARN (assumed-role/ROLE/SESSION) does not carry.
	RoleARN     string
	AccountID   string
	UserName    string
	UserID      string
	AccessKeyID string
	IsRoot      bool
}

// Request describes the call being served; services read it from the context.
type Request struct {
	ID        string
	Service   string // "kms", "dynamodb", "iam", "sts"
	Operation string
	Principal *Principal
	Region    string
	Time      time.Time
	SourceIP  string
	UserAgent string
	// Resources are the ARNs the operation touched, filled by handlers for the audit trail.
	Resources []string
	// Decision is "Allow" or "Deny" as authorization found it; empty when no check ran.
	Decision string
	// Via is the service endpoint acting for Principal (dynamodb.us-east-1.amazonaws.com)
	// when a service makes this call on a caller's behalf; empty for direct calls.
	Via string
}

// Touch records a resource ARN the operation acts on, for the audit trail.
func (r *Request) Touch(arn string) {
	for _, a := range r.Resources {
		if a == arn {
			return
		}
	}
	r.Resources = append(r.Resources, arn)
}

type requestKey struct{}

// WithRequest attaches the request description to ctx.
func WithRequest(ctx context.Context, r *Request) context.Context {
	return context.WithValue(ctx, requestKey{}, r)
}

// RequestFrom returns the request attached by the server, or nil.
func RequestFrom(ctx context.Context) *Request {
	r, _ := ctx.Value(requestKey{}).(*Request)
	return r
}

// CallerFrom returns the authenticated principal of the request in ctx.
func CallerFrom(ctx context.Context) *Principal {
	if r := RequestFrom(ctx); r != nil {
		return r.Principal
	}
	return nil
}

// JSONHandler serves one awsJson operation; it decodes its own input (see wire.DecodeJSON)
// and returns a value the JSON writer marshals, or an error (an *Error reaches the wire as is;
// anything else becomes a 500 InternalFailure).
type JSONHandler func(ctx context.Context, body []byte) (any, error)

// QueryHandler serves one awsQuery operation (IAM, STS). The returned value is marshalled
// with encoding/xml as the <OpResult> element; nil means the operation has no result element.
type QueryHandler func(ctx context.Context, form url.Values) (any, error)
