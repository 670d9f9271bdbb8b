package sim

import (
	"context"
	cryptorand "crypto/rand"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"sync"
	"time"

	"kmslab/sim/api"
	"kmslab/sim/audit"
	"kmslab/sim/authz"
	"kmslab/sim/dynamodb"
	"kmslab/sim/iam"
	"kmslab/sim/kms"
	"kmslab/sim/sts"
	"kmslab/sim/wire"
)

// Defaults of a fresh offline account.
const (
	DefaultAccountID  = "111122223333"
	DefaultRegion     = "us-east-1"
	DefaultAdminUser  = "lab-admin"
	DefaultKeyCache   = 5 * time.Minute // DynamoDB drops a decrypted table key after this much inactivity
	NoKeyCache        = -1              // KeyCacheTTL value that checks KMS on every request
	defaultListenAddr = "127.0.0.1:0"
	// defaultHeaderTimeout is how long a client has to send a request's headers.
	defaultHeaderTimeout = 10 * time.Second
)

// Options configures an offline AWS. The zero value is a usable default.
type Options struct {
	Addr      string // listen address; default 127.0.0.1:0
	AccountID string // default 111122223333
	Region    string // default us-east-1

	// The bootstrap administrator, IAM user lab-admin with AdministratorAccess.
	// Generated when empty.
	AdminAccessKeyID     string
	AdminSecretAccessKey string

	Clock func() time.Time // default time.Now
	Rand  io.Reader        // default crypto/rand; a seeded reader makes ids deterministic

	// KeyCacheTTL is how long DynamoDB reuses a table key decrypted for one
	// principal: 0 means DefaultKeyCache, NoKeyCache (negative) means every request asks KMS.
	KeyCacheTTL time.Duration
	// AccessKeyDelay makes new access keys unusable for this long, as IAM's
	// eventual consistency does on AWS.
	AccessKeyDelay time.Duration
	// KeyPolicyDelay makes a new key policy take effect only after this long.
	KeyPolicyDelay time.Duration
	// TableCreationDelay keeps new tables CREATING for this long (default: ACTIVE at once).
	TableCreationDelay time.Duration

	// Realism, when set, makes this offline AWS eventually consistent,
	// varied in its wording and now and then throttled, as AWS documents
	// (see Realism); nil keeps every change instant, as it always was.
	Realism *Realism

	// Fault, when set, is asked before every authenticated call; a non-nil error is
	// answered instead (e.g. ThrottlingException, to test retries).
	Fault func(service, operation string) *api.Error

	// AuditSink receives every audit event as a JSON line. Its errors are its
	// own to report (audit.Guarded): they stop nothing else.
	AuditSink io.Writer
	// AuditKeep is how many of the newest audit events Audit returns: 0 keeps
	// 10000, a negative number none. A server whose trail no one reads in-process
	// (kmslab serve: its trail is the sink) saves the memory.
	AuditKeep int

	// DataDir, when set, keeps the whole account on disk there (created 0700):
	// a new Server on the same DataDir resumes where the last one stopped or
	// was killed. Every change is on disk before its response is written.
	DataDir string
	// HeaderTimeout is how long a client has to send a request's headers
	// (default 10 s); one that trickles them is answered 408 and cut off.
	HeaderTimeout time.Duration

	// AuditDiskMax is how many of the newest audit events the data dir keeps
	// (0: DefaultAuditDiskMax); older ones are dropped as new ones are saved.
	AuditDiskMax int
}

// Credentials is an access key pair. It formats with the secret redacted
// (%v, %+v, %#v, %s alike), so printing a Server or its Admin cannot leak it.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
}

// Redacted stands for a secret in anything printed.
const Redacted = "[redacted]"

// Format prints c without its secret, whatever the verb.
func (c Credentials) Format(f fmt.State, verb rune) {
	secret := ""
	if c.SecretAccessKey != "" {
		secret = Redacted
	}
	if verb == 'v' && f.Flag('#') {
		fmt.Fprintf(f, "sim.Credentials{AccessKeyID:%q, SecretAccessKey:%q}", c.AccessKeyID, secret)
		return
	}
	if verb == 'v' && f.Flag('+') {
		fmt.Fprintf(f, "{AccessKeyID:%s SecretAccessKey:%s}", c.AccessKeyID, secret)
		return
	}
	fmt.Fprintf(f, "{%s %s}", c.AccessKeyID, secret)
}

// Format prints o with AdminSecretAccessKey redacted, whatever the verb.
func (o Options) Format(f fmt.State, verb rune) {
	type plain Options // no methods: formats field by field
	c := plain(o)
	if c.AdminSecretAccessKey != "" {
		c.AdminSecretAccessKey = Redacted
	}
	if verb == 'v' && f.Flag('#') {
		fmt.Fprintf(f, "sim.Options%+v", c)
		return
	}
	if verb == 'v' && f.Flag('+') {
		fmt.Fprintf(f, "%+v", c)
		return
	}
	fmt.Fprintf(f, "%v", c)
}

// Server is a running offline AWS.
type Server struct {
	URL       string
	AccountID string
	Region    string
	Admin     Credentials
	AdminARN  string

	env      *api.Env
	audit    *audit.Log
	iam      *iam.Service
	regions  *regions
	durable  *durable          // nil without Options.DataDir
	dynamodb *dynamodb.Service // the default region's, for Inspect
	handler  http.Handler
	srv      *http.Server
	ln       net.Listener
	done     chan struct{}
}

// New builds the offline AWS without listening: use Handler to serve it yourself.
func New(opts Options) (*Server, error) {
	if opts.AccountID == "" {
		opts.AccountID = DefaultAccountID
	}
	if opts.Region == "" {
		opts.Region = DefaultRegion
	}
	if len(opts.AccountID) != 12 {
		return nil, fmt.Errorf("account id %q: must be 12 digits", opts.AccountID)
	}
	for _, c := range opts.AccountID {
		if c < '0' || c > '9' {
			return nil, fmt.Errorf("account id %q: must be 12 digits", opts.AccountID)
		}
	}
	if opts.DataDir != "" && opts.Rand != nil {
		// A restarted seeded stream would hand out the saved ids again.
		return nil, errors.New("a seeded run cannot keep its state in a data dir: its ids would repeat after a restart; drop --seed or --data-dir")
	}
	env := api.NewEnv(opts.AccountID, opts.Region, opts.Clock, opts.Rand)
	log := audit.New(opts.auditKeep())

	iamSvc := iam.New(env, iam.Options{AccessKeyDelay: opts.AccessKeyDelay})
	// What reads IAM: IAM itself, or, in the realistic mode, IAM as it was
	// a while ago (realism_iam.go).
	var rl *realism
	var view *iamView
	var ids interface {
		authz.Identities
		kms.Principals
	} = iamSvc
	if opts.Realism != nil {
		rl = newRealism(*opts.Realism)
		view = newIAMView(iamSvc, env, rl)
		ids = view
	}
	az := authz.New(env, ids)
	iamSvc.SetAuthorizer(az)
	if rl != nil {
		az.SetPick(rl.pick)
	}
	ttl := opts.KeyCacheTTL
	switch {
	case ttl == 0:
		ttl = DefaultKeyCache
	case ttl < 0:
		ttl = 0
	}
	var d *durable
	var regs *regions
	// Multi-Region keys live in several regions' KMS at once.
	mrks := kms.NewRegistry(func(region string) *kms.Service { return regs.get(region).kms })
	regs = &regions{build: func(region string) *regional {
		renv := env
		if region != env.Region {
			renv = env.InRegion(region)
		}
		k := kms.New(renv, az, ids, log, kms.Options{PolicyDelay: opts.KeyPolicyDelay, Registry: mrks, Lag: rl.kmsLag()})
		ddb := dynamodb.New(renv, az, k, log, dynamodb.Options{KeyCacheTTL: ttl, CreationDelay: opts.TableCreationDelay, Recovery: rl.tableRecovery()})
		if d != nil {
			ddb.SetJournal(d)
		}
		return &regional{name: region, kms: k, dynamodb: ddb, kmsOps: k.Handlers(), ddbOps: ddb.Handlers()}
	}}
	home := regs.get(opts.Region)

	restored := false
	if opts.DataDir != "" {
		var err error
		if d, restored, err = openData(opts.DataDir, opts.AccountID, opts.Region, opts.AuditDiskMax, iamSvc, regs, log); err != nil {
			return nil, err
		}
	}
	// The data dir's trail first: it never fails a write (it is carried to
	// disk by the next commit), and a failing audit log must not stop it.
	var sinks []io.Writer
	if d != nil {
		sinks = append(sinks, d)
	}
	if opts.AuditSink != nil {
		sinks = append(sinks, opts.AuditSink)
	}
	log.SetSinks(sinks...)
	if restored {
		admin, id, secret, err := iamSvc.ResumeAdmin(DefaultAdminUser, opts.AdminAccessKeyID, opts.AdminSecretAccessKey)
		if err != nil {
			_ = d.db.Close()
			return nil, err
		}
		opts.AdminAccessKeyID, opts.AdminSecretAccessKey = id, secret
		return finishNew(opts, rl, view, env, log, iamSvc, regs, home, d, admin)
	}

	if opts.AdminAccessKeyID == "" {
		opts.AdminAccessKeyID = env.ID("AKIA", 20)
	}
	if opts.AdminSecretAccessKey == "" {
		// The seeded stream is consumed as before, so seeded ids stay the same,
		// but the secret itself always comes from crypto/rand: a seed is
		// public (--seed 1 in the README) and loopback is open to every local
		// user, so a secret derived from it would be a shared password.
		_ = env.Secret()
		secret, err := randomSecret()
		if err != nil {
			return nil, err
		}
		opts.AdminSecretAccessKey = secret
	}
	admin, err := iamSvc.Bootstrap(DefaultAdminUser, opts.AdminAccessKeyID, opts.AdminSecretAccessKey)
	if err != nil {
		if d != nil {
			_ = d.db.Close()
		}
		return nil, fmt.Errorf("bootstrap admin: %w", err)
	}
	return finishNew(opts, rl, view, env, log, iamSvc, regs, home, d, admin)
}

// finishNew wires the router over the services and starts persisting.
func finishNew(opts Options, rl *realism, view *iamView, env *api.Env, log *audit.Log, iamSvc *iam.Service, regs *regions, home *regional, d *durable, admin *api.Principal) (*Server, error) {
	if d != nil {
		// The admin (new or given again) is state like any other, and the
		// default region is always on disk (a rollback restores it in place).
		if err := d.commit("iam", snapshot("kms/"+opts.Region), snapshot("ddb/"+opts.Region)); err != nil {
			_ = d.db.Close()
			return nil, fmt.Errorf("save to data dir: %w", err)
		}
		go d.flushAudit()
	}
	rt := &router{env: env, creds: iamSvc, audit: log, fault: opts.Fault}
	iamOps := iamSvc.Handlers()
	if rl != nil {
		rt.fault = realisticFault(rl, opts.Fault)
		if err := view.start(); err != nil {
			if d != nil {
				_ = d.db.Close()
			}
			return nil, fmt.Errorf("realistic mode: %w", err)
		}
		rt.creds, iamOps = view, view.handlers(&sync.Mutex{})
	}
	if d != nil {
		rt.persist, rt.hold = d.afterCall, d.hold
	}
	rt.add(&service{name: "kms", target: "TrentService.", json: home.kmsOps,
		inRegion: func(r string) map[string]api.JSONHandler { return regs.get(r).kmsOps },
		proto:    jsonProto{wire.JSONProtocol{ContentType: "application/x-amz-json-1.1"}}})
	rt.add(&service{name: "dynamodb", target: "DynamoDB_20120810.", json: home.ddbOps,
		inRegion: func(r string) map[string]api.JSONHandler { return regs.get(r).ddbOps },
		proto:    jsonProto{wire.JSONProtocol{ContentType: "application/x-amz-json-1.0", ErrorPrefix: "com.amazonaws.dynamodb.v20120810#", CRC32: true}}})
	rt.add(&service{name: "iam", query: iamOps,
		proto: queryProto{wire.QueryProtocol{Namespace: "https://iam.amazonaws.com/doc/2010-05-08/"}}})
	var roles sts.Roles = iamSvc
	if view != nil {
		roles = view
	}
	rt.add(&service{name: "sts", query: sts.New(env, roles).Handlers(),
		proto: queryProto{wire.QueryProtocol{Namespace: "https://sts.amazonaws.com/doc/2011-06-15/"}}})

	return &Server{
		AccountID: opts.AccountID,
		Region:    opts.Region,
		Admin:     Credentials{AccessKeyID: opts.AdminAccessKeyID, SecretAccessKey: opts.AdminSecretAccessKey},
		AdminARN:  admin.ARN,
		env:       env,
		audit:     log,
		iam:       iamSvc,
		regions:   regs,
		durable:   d,
		dynamodb:  home.dynamodb,
		handler:   rt,
		done:      make(chan struct{}),
	}, nil
}

// IAM must see every authenticated request for GetAccessKeyLastUsed: the router
// finds the recorder by a type assertion, which would fail silently without this.
var _ UsageRecorder = (*iam.Service)(nil)

// randomSecret is a 40-character secret access key from crypto/rand.
func randomSecret() (string, error) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	b := make([]byte, 40)
	if _, err := cryptorand.Read(b); err != nil {
		return "", fmt.Errorf("generate admin secret: %w", err)
	}
	for i, c := range b {
		b[i] = alphabet[int(c)%len(alphabet)] // 64 divides 256: no bias
	}
	return string(b), nil
}

// Start builds the offline AWS and serves it on opts.Addr (127.0.0.1:0 by default)
// until ctx ends or Close is called.
func Start(ctx context.Context, opts Options) (*Server, error) {
	s, err := New(opts)
	if err != nil {
		return nil, err
	}
	addr := opts.Addr
	if addr == "" {
		addr = defaultListenAddr
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	headerTimeout := opts.HeaderTimeout
	if headerTimeout <= 0 {
		headerTimeout = defaultHeaderTimeout
	}
	s.ln = headerTimeoutListener{Listener: ln, timeout: headerTimeout}
	s.URL = "http://" + ln.Addr().String()
	s.srv = &http.Server{
		Handler: s.handler,
		// A client that trickles its headers or body, or parks idle
		// connections, must not pin goroutines forever.
		ReadHeaderTimeout: headerTimeout,
		ReadTimeout:       time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		// The SDKs send a few hundred bytes of headers; a query-protocol GET
		// carries its parameters (a policy document at most) in the URL.
		MaxHeaderBytes: hardMaxHeader,
		// net/http logs to stderr by default, which would scribble over the TUI.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	go func() {
		defer close(s.done)
		if err := s.srv.Serve(s.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			_ = err // the listener closed under us; Close reports nothing more useful
		}
	}()
	go func() {
		select {
		case <-ctx.Done():
			_ = s.Close()
		case <-s.done:
		}
	}()
	return s, nil
}

// Handler is the offline AWS as an http.Handler.
func (s *Server) Handler() http.Handler { return s.handler }

// Close stops serving, waiting briefly for calls in flight, and closes the
// data dir. A Server made by New and never started must be closed too when it
// has a DataDir.
func (s *Server) Close() error {
	var err error
	if s.srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		err = s.srv.Shutdown(ctx)
		<-s.done
	}
	if s.durable != nil {
		err = errors.Join(err, s.durable.close())
	}
	return err
}

// Audit returns every call recorded so far, oldest first.
func (s *Server) Audit() []audit.Event { return s.audit.Events() }

// Inspect shows what DynamoDB stores for a table: wrapped table key and item ciphertexts.
func (s *Server) Inspect(table string) (dynamodb.AtRest, error) { return s.dynamodb.Inspect(table) }

func (o Options) auditKeep() int {
	if o.AuditKeep == 0 {
		return auditMax
	}
	return o.AuditKeep
}
