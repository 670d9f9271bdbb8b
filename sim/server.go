// Package sim is kmslab's embedded offline AWS: KMS, DynamoDB, IAM and STS
// behind one http.Handler on loopback, spoken to by the unmodified AWS SDKs
// and CLI. It verifies SigV4 on every request, authorizes every operation
// through IAM and KMS key policies, and encrypts DynamoDB items at rest under
// the table's KMS key, so that the lab's AccessDenied happens for the same
// reason it does on AWS.
package sim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"kmslab/sim/api"
	"kmslab/sim/audit"
	"kmslab/sim/sigv4"
	"kmslab/sim/wire"
)

// maxBody bounds a request body: BatchWriteItem's 16 MB is the largest AWS accepts.
const maxBody = 16 << 20

// maxHeader bounds the request line and headers together. The router checks
// it itself, so the answer comes in the protocol's error shape; net/http's own
// limit (hardMaxHeader) sits above it and only stops what would cost memory.
const (
	maxHeader     = 256 << 10
	hardMaxHeader = 1 << 20
)

// protocol frames one service's responses.
type protocol interface {
	writeOK(w http.ResponseWriter, op, requestID string, out any)
	writeErr(w http.ResponseWriter, requestID string, err error)
	json() bool
}

type jsonProto struct{ wire.JSONProtocol }

func (p jsonProto) writeOK(w http.ResponseWriter, _, _ string, out any) { p.WriteJSON(w, out) }
func (p jsonProto) writeErr(w http.ResponseWriter, _ string, err error) { p.WriteError(w, err) }
func (jsonProto) json() bool                                            { return true }

type queryProto struct{ wire.QueryProtocol }

func (p queryProto) writeOK(w http.ResponseWriter, op, id string, out any) { p.Write(w, op, id, out) }
func (p queryProto) writeErr(w http.ResponseWriter, id string, err error) {
	p.WriteError(w, id, err)
}
func (queryProto) json() bool { return false }

// service is one AWS service as the router sees it.
type service struct {
	name  string // signing name and audit source prefix: kms, dynamodb, iam, sts
	proto protocol
	json  map[string]api.JSONHandler
	query map[string]api.QueryHandler
	// inRegion, for a regional service, is its operations in another region
	// than the default one (json).
	inRegion func(region string) map[string]api.JSONHandler
	target   string // X-Amz-Target prefix for JSON services, with the trailing dot
}

// CredentialStore resolves access key ids to their secret and principal.
type CredentialStore interface {
	LookupAccessKey(accessKeyID string) (secret string, p *api.Principal, ok bool)
}

// UsageRecorder is a CredentialStore that also keeps when and where each
// access key was last used, as IAM's GetAccessKeyLastUsed reports it.
type UsageRecorder interface {
	RecordKeyUse(accessKeyID, service, region string, at time.Time)
}

// router authenticates every request and dispatches it to its operation.
type router struct {
	env      *api.Env
	creds    CredentialStore
	audit    *audit.Log
	byTarget map[string]*service
	byName   map[string]*service
	fault    func(service, operation string) *api.Error
	// persist, with a data dir, saves what a call changed; it runs before the
	// response is written.
	persist func(service, region, operation string) error
	// hold, with a data dir, keeps other requests from seeing a change before
	// persist has it on disk (or has rolled it back); it returns the release.
	hold func(operation string) func()
}

func (rt *router) add(s *service) {
	if rt.byTarget == nil {
		rt.byTarget = map[string]*service{}
		rt.byName = map[string]*service{}
	}
	if s.target != "" {
		rt.byTarget[s.target] = s
	}
	rt.byName[s.name] = s
}

// ServeHTTP serves one request in stages, as minio's pipeline does: read and
// route it, authenticate its signature, dispatch it to the operation (which
// authorizes through authz before it touches state), save what changed when
// the account is kept on disk, and write the answer. Every request, answered
// or refused, leaves one audit event.
func (rt *router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	req := rt.begin(w, r)
	// A panic outside the operation handlers (routing, signature checks,
	// framing) must not reach net/http either: it would drop the connection
	// and print to stderr, over the TUI.
	defer func() {
		if p := recover(); p != nil {
			rt.earlyError(w, r, req, errInternal)
		}
	}()
	c, ok := rt.parse(w, r, req)
	if !ok {
		return
	}
	if rt.persist == nil {
		out, err, _ := rt.serve(r, req, &c)
		rt.finish(w, req, c.svc, out, err)
		return
	}
	var once sync.Once
	hold := rt.hold(c.op)
	release := func() { once.Do(hold) }
	defer release() // a panic on the way must not leave the gate held
	out, err, authenticated := rt.serve(r, req, &c)
	if !authenticated {
		release()
		rt.finish(w, req, c.svc, out, err)
		return
	}
	// Recorded first, so the audit event of a change is saved with it.
	rt.record(req, c.svc.name, err)
	// Whatever the outcome: a failed call may have changed some state (a
	// batch half done), and what is in memory is what must be on disk.
	if perr := rt.persist(c.svc.name, c.region, c.op); perr != nil {
		out, err = nil, errNotSaved
	}
	release()
	rt.write(w, req, c.svc, out, err)
}

// call is a routed request: the service and operation, and the input as read.
type call struct {
	svc    *service
	op     string
	body   []byte
	form   url.Values // query protocols only
	region string     // the region the request is signed for, once authenticated
}

// begin starts the request's record and the headers every answer carries.
func (rt *router) begin(w http.ResponseWriter, r *http.Request) *api.Request {
	req := &api.Request{
		ID:        rt.env.UUID(),
		Region:    rt.env.Region,
		Time:      rt.env.Now(),
		SourceIP:  hostOnly(r.RemoteAddr),
		UserAgent: r.UserAgent(),
	}
	w.Header().Set("x-amzn-RequestId", req.ID)
	// Date follows the real clock, like signature checks: the SDKs correct their
	// signing clock from it, so a seeded or test clock here would skew them.
	w.Header().Set("Date", time.Now().UTC().Format(http.TimeFormat))
	return req
}

// parse reads the body and routes the request. When it cannot, it answers
// the request itself and reports false.
func (rt *router) parse(w http.ResponseWriter, r *http.Request, req *api.Request) (call, bool) {
	if headerSize(r) > maxHeader {
		rt.earlyError(w, r, req, errHeaderTooLarge)
		return call{}, false
	}
	if r.ContentLength > maxBody {
		rt.earlyError(w, r, req, errTooLarge)
		return call{}, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		rt.earlyError(w, r, req, errTooLarge)
		return call{}, false
	}
	svc, op, form, err := rt.route(r, body)
	if svc == nil {
		rt.unknown(w, req, err)
		return call{}, false
	}
	req.Service, req.Operation = svc.name, op
	if err == nil {
		err = checkMethod(r.Method, svc)
	}
	if err != nil {
		rt.finish(w, req, svc, nil, err)
		return call{}, false
	}
	return call{svc: svc, op: op, body: body, form: form}, true
}

// serve authenticates the call and dispatches it to its operation; it
// reports whether the call got past authentication (only then can it have
// changed anything).
func (rt *router) serve(r *http.Request, req *api.Request, c *call) (any, error, bool) {
	p, region, err := rt.authenticate(r, req, *c)
	if err != nil {
		return nil, err, false
	}
	req.Principal = p
	c.region = region
	if c.svc.inRegion != nil {
		req.Region = region
	}
	out, err := rt.dispatch(api.WithRequest(r.Context(), req), *c)
	return out, err, true
}

// authenticate verifies the request's SigV4 signature, scope and session
// token, and returns the principal whose access key signed it and the region
// it signed for.
func (rt *router) authenticate(r *http.Request, req *api.Request, c call) (*api.Principal, string, error) {
	// Signatures are checked against the real clock: the SDKs sign with it, while
	// env's clock may be seeded or moved by tests to age caches and delays.
	params, err := sigv4.Verify(r, c.body, time.Now(), func(id string) (string, bool) {
		secret, _, ok := rt.creds.LookupAccessKey(id)
		return secret, ok
	})
	var se *sigv4.Error
	if err == nil || errors.As(err, &se) && se.Kind == sigv4.BadSignature {
		// A scope that does not fit the endpoint is refused whatever the
		// signature: AWS never lets a signature made for s3 or another region
		// be replayed against KMS or DynamoDB.
		if msg := rt.scopeProblem(c.svc, params); msg != "" {
			err = &sigv4.Error{Kind: sigv4.BadSignature, Message: msg}
		}
	}
	if err == nil {
		err = rt.sessionProblem(c.svc, params)
	}
	if err != nil {
		if errors.As(err, &se) {
			code, status := se.Kind.Code(c.svc.proto.json())
			err = api.Errorf(status, code, "%s", se.Message)
		}
		return nil, "", err
	}
	_, principal, _ := rt.creds.LookupAccessKey(params.AccessKeyID)
	// AWS counts a key as used once a request it signed authenticates, whether
	// or not the call is then allowed; it records the service's signing name.
	if ur, ok := rt.creds.(UsageRecorder); ok {
		ur.RecordKeyUse(params.AccessKeyID, c.svc.name, params.Region, req.Time)
	}
	return principal, params.Region, nil
}

// dispatch runs the operation's handler, which authorizes the caller in ctx
// through authz before it touches state. KMS and DynamoDB answer from the
// region the call is signed for.
func (rt *router) dispatch(ctx context.Context, c call) (any, error) {
	if rt.fault != nil {
		if err := rt.fault(c.svc.name, c.op); err != nil {
			return nil, err
		}
	}
	if c.svc.json != nil {
		ops := c.svc.json
		if c.svc.inRegion != nil && c.region != rt.env.Region {
			ops = c.svc.inRegion(c.region)
		}
		h, ok := ops[c.op]
		if !ok {
			return nil, api.BadRequest("UnknownOperationException", "")
		}
		return safeCall(func() (any, error) { return h(ctx, c.body) })
	}
	h, ok := c.svc.query[c.op]
	if !ok {
		return nil, api.BadRequest("InvalidAction", "Could not find operation %s for version %s", c.op, c.form.Get("Version"))
	}
	return safeCall(func() (any, error) { return h(ctx, c.form) })
}

// Errors answered before a request reaches a service's own checks.
var (
	// errInternal is a bug in the offline AWS. Its message says nothing of the
	// panic: a panic value can hold request data (a plaintext, a key) that must
	// not travel back over the wire or into the audit trail.
	errInternal = &api.Error{Code: "InternalFailure", Message: "The offline AWS hit an internal error (a bug in kmslab).", Status: http.StatusInternalServerError}
	errTooLarge = api.Errorf(http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", "Request body is larger than %d bytes or unreadable", maxBody)

	errNotSaved = &api.Error{Code: "InternalFailure", Message: "The offline AWS could not save the change to its data dir, so it did not make it; check the disk's free space and try again.", Status: http.StatusInternalServerError}

	errHeaderTooLarge = api.Errorf(http.StatusRequestHeaderFieldsTooLarge, "RequestHeaderSectionTooLarge", "Request header section is larger than %d bytes", maxHeader)
)

// headerSize is the request line and header section as they came on the wire,
// give or take the spelling of line ends.
func headerSize(r *http.Request) int {
	n := len(r.Method) + 1 + len(r.RequestURI) + 1 + len(r.Proto) + 2
	n += len("Host: ") + len(r.Host) + 2
	for k, vs := range r.Header {
		for _, v := range vs {
			n += len(k) + 2 + len(v) + 2
		}
	}
	return n
}

// safeCall turns a handler panic into an InternalFailure: a bug must never take
// the learner's whole lab down with it.
func safeCall(f func() (any, error)) (out any, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, errInternal
		}
	}()
	return f()
}

// checkMethod accepts POST everywhere and GET for the query protocols, whose
// parameters may travel in the URL (as presigned URLs and the SDKs' GET
// fallback do); AWS's JSON endpoints only take POST.
func checkMethod(method string, svc *service) error {
	switch {
	case method == http.MethodPost:
		return nil
	case method == http.MethodGet && svc.query != nil:
		return nil
	}
	if svc.proto.json() {
		return api.BadRequest("UnknownOperationException", "%s requests are not supported: awsJson operations use POST", method)
	}
	return api.Errorf(http.StatusMethodNotAllowed, "MethodNotAllowed", "%s requests are not supported: use GET or POST", method)
}

// scopeProblem says what is wrong with the credential scope for svc, or "".
// The scope must name the service called; KMS and DynamoDB are regional and
// need a region of the aws partition (the one the scope names is the one
// called), while IAM and STS accept any region (the SDKs sign them with the
// client's region when an endpoint is set).
func (rt *router) scopeProblem(svc *service, p sigv4.Params) string {
	if p.Service != svc.name {
		return fmt.Sprintf("Credential should be scoped to correct service: '%s'. ", svc.name)
	}
	if svc.json != nil && !validRegion(p.Region) {
		return fmt.Sprintf("Credential should be scoped to a valid region, not '%s'. ", p.Region)
	}
	return ""
}

// earlyError answers a request that failed before routing, framed as the
// protocol it most likely speaks.
func (rt *router) earlyError(w http.ResponseWriter, r *http.Request, req *api.Request, err error) {
	t := r.Header.Get("X-Amz-Target")
	if dot := strings.LastIndexByte(t, '.'); dot >= 0 {
		if svc := rt.byTarget[t[:dot+1]]; svc != nil {
			svc.proto.writeErr(w, req.ID, err)
			rt.record(req, svc.name, err)
			return
		}
	}
	if t == "" {
		if iam := rt.byName["iam"]; iam != nil {
			iam.proto.writeErr(w, req.ID, err)
			rt.record(req, "", err)
			return
		}
	}
	rt.unknown(w, req, err)
}

// route finds the service and operation. JSON services are selected by
// X-Amz-Target; query services by the credential scope's service name, falling
// back to the API version in the form.
func (rt *router) route(r *http.Request, body []byte) (*service, string, url.Values, error) {
	if t := r.Header.Get("X-Amz-Target"); t != "" {
		dot := strings.LastIndexByte(t, '.')
		if dot < 0 {
			return nil, "", nil, api.BadRequest("UnknownOperationException", "")
		}
		svc := rt.byTarget[t[:dot+1]]
		if svc == nil {
			return nil, "", nil, api.BadRequest("UnknownOperationException", "")
		}
		return svc, t[dot+1:], nil, nil
	}
	form, err := wire.ParseForm(r.URL.RawQuery, body)
	if err != nil {
		return rt.byName["iam"], "", nil, err
	}
	name := ""
	if p, perr := sigv4.ParseAuthorization(r.Header.Get("Authorization")); perr == nil {
		name = p.Service
	}
	if name != "iam" && name != "sts" {
		switch form.Get("Version") {
		case "2011-06-15":
			name = "sts"
		default:
			name = "iam"
		}
	}
	svc := rt.byName[name]
	if svc == nil || svc.query == nil {
		return nil, "", nil, nil
	}
	op := form.Get("Action")
	if op == "" {
		return svc, "", nil, api.BadRequest("MissingAction", "Missing Action")
	}
	return svc, op, form, nil
}

func (rt *router) unknown(w http.ResponseWriter, req *api.Request, err error) {
	if err == nil {
		err = api.BadRequest("UnknownOperationException", "")
	}
	jsonProto{wire.JSONProtocol{ContentType: "application/x-amz-json-1.1"}}.WriteError(w, err)
	rt.record(req, "", err)
}

func (rt *router) finish(w http.ResponseWriter, req *api.Request, svc *service, out any, err error) {
	rt.write(w, req, svc, out, err)
	rt.record(req, svc.name, err)
}

func (rt *router) write(w http.ResponseWriter, req *api.Request, svc *service, out any, err error) {
	if err != nil {
		svc.proto.writeErr(w, req.ID, err)
	} else {
		svc.proto.writeOK(w, req.Operation, req.ID, out)
	}
}

func (rt *router) record(req *api.Request, svcName string, err error) {
	ev := audit.Event{
		Time:      req.Time,
		Source:    svcName + ".amazonaws.com",
		Name:      req.Operation,
		Region:    req.Region,
		Decision:  req.Decision,
		RequestID: req.ID,
		Resources: req.Resources,
		SourceIP:  req.SourceIP,
		UserAgent: req.UserAgent,
	}
	ev.Identity = audit.IdentityOf(req.Principal)
	if err != nil {
		e := wire.AsAPIError(err)
		ev.ErrorCode, ev.ErrorMessage = e.Code, e.Message
	}
	rt.audit.Record(ev)
}

func hostOnly(addr string) string {
	if h, _, err := net.SplitHostPort(addr); err == nil {
		return h
	}
	return addr
}
