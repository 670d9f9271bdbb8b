package awsops

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"kmslab/awsops/awserr"
	"kmslab/awsops/ledger"
	"kmslab/awsops/partition"
	"kmslab/internal/sdkhttp"
)

// Options tune a Lab. The zero value is usable.
type Options struct {
	// RunID names the run's resources (see NewNames); a random one when empty.
	RunID string
	// StateDir holds the run ledgers (StateDir/runs/<run-id>.json). Default
	// $XDG_STATE_HOME/kmslab, or ~/.local/state/kmslab.
	StateDir string
	// DisableLedger skips the ledger, for throwaway accounts such as the
	// in-process offline AWS whose resources vanish with the process.
	DisableLedger bool
	// Progress, when set, hears about waits and retries as they happen. It is
	// called from the goroutine running the operation.
	Progress func(Progress)
	// Clock stamps ledger entries and measures waits; default time.Now.
	Clock func() time.Time
	// WaitTimeout bounds each wait for eventual consistency; default 2 minutes.
	WaitTimeout time.Duration
	// KMSTimeout bounds the waits for a KMS change (a key policy, a grant)
	// to decide requests, and for the lab's state to read back restored;
	// default 5 minutes: KMS documents that such a change usually takes
	// seconds but "in some cases it can take several minutes", and a grant
	// "usually less than five minutes"
	// (https://docs.aws.amazon.com/kms/latest/developerguide/accessing-kms.html#programming-eventual-consistency).
	KMSTimeout time.Duration
	// TableRecoveryTimeout bounds the wait, after the key is enabled again,
	// for a table DynamoDB found inaccessible to be readable; default 15
	// minutes. AWS documents no time for it (see waitForTableRecovery).
	TableRecoveryTimeout time.Duration
	// InitialBackoff and MaxBackoff shape the retries of those waits;
	// defaults 500 ms and 8 s.
	InitialBackoff time.Duration
	MaxBackoff     time.Duration
	// KeyCacheTTL is how long after a caller's last read DynamoDB may keep
	// using the table key it decrypted for them without asking KMS again;
	// default 5 minutes of inactivity, AWS's. Experiments that revoke access
	// wait it out from the caller's last read.
	KeyCacheTTL time.Duration
	// Sleep waits d or until ctx ends; default a timer. A caller whose Clock
	// is a virtual one passes a Sleep that moves that clock instead.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Progress reports a wait in progress, e.g. "waiting for IAM to propagate the
// new access key" after 3 s at attempt 4.
type Progress struct {
	Step    string // the Lab method waiting, e.g. "CreateTestUser"
	Message string
	Elapsed time.Duration
	Attempt int
	Limit   time.Duration // how long the wait may last, shown as "up to 2 min"
}

// Lab runs one walkthrough: the admin's clients, the run's names, the ledger,
// and, once created, the test user's clients. Its methods are meant to be
// called in lab order from one goroutine at a time.
type Lab struct {
	cfg    aws.Config
	opts   Options
	names  ledger.Names
	now    func() time.Time
	ledger *ledger.File

	kms *kms.Client
	ddb *dynamodb.Client
	iam *iam.Client
	sts *sts.Client

	ident *Identity
	// simAllowed are the actions IAM's simulator found allowed at the
	// preflight: a refusal of one of them comes from outside the caller's
	// policies (a service control policy).
	simAllowed map[string]bool
	principal  string // the admin as a key-policy principal (a role, not its session)
	partition  string

	keyID, keyARN string
	aliasMade     bool
	table         *Table
	user          *TestUser
	test          *testClients

	// Experiments: the end-of-part-6 state, each principal's last successful
	// table operation (for DynamoDB's key cache), a ciphertext to decrypt.
	baseline *LabState
	tableUse map[string]time.Time
	sample   []byte

	// pending is the envelope lab's data key between generating it and
	// sealing with it: its plaintext lives nowhere else.
	pending *DataKey
}

// testClients are the test user's clients; the secret lives only in creds.
type testClients struct {
	creds *staticCreds
	ddb   *dynamodb.Client
	kms   *kms.Client
	sts   *sts.Client
}

// staticCreds hands out the test user's key. It prints as redacted so the
// secret cannot leak through a log line or a %+v.
type staticCreds struct{ id, secret string }

func (c *staticCreds) Retrieve(context.Context) (aws.Credentials, error) {
	return aws.Credentials{AccessKeyID: c.id, SecretAccessKey: c.secret, Source: "kmslab test user"}, nil
}
func (c *staticCreds) String() string   { return "credentials(" + c.id + ", secret redacted)" }
func (c *staticCreds) GoString() string { return c.String() }

// String identifies the lab without any credential.
func (l *Lab) String() string { return "kmslab lab run " + l.names.RunID }

// GoString is String, so %#v cannot print credentials either.
func (l *Lab) GoString() string { return l.String() }

// New prepares a lab run on cfg (SDK default chain, a profile, SSO, or a
// custom endpoint with static keys). It makes no AWS call.
func New(cfg aws.Config, opts Options) (*Lab, error) {
	if opts.RunID == "" {
		opts.RunID = ledger.NewRunID(rand.Reader)
	}
	if !ledger.ValidRunID(opts.RunID) {
		return nil, fmt.Errorf("run id %q: use 1 to 20 lowercase letters and digits", opts.RunID)
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.WaitTimeout <= 0 {
		opts.WaitTimeout = 2 * time.Minute
	}
	if opts.KMSTimeout <= 0 {
		opts.KMSTimeout = max(5*time.Minute, opts.WaitTimeout)
	}
	if opts.TableRecoveryTimeout <= 0 {
		opts.TableRecoveryTimeout = max(15*time.Minute, opts.WaitTimeout)
	}
	if opts.InitialBackoff <= 0 {
		opts.InitialBackoff = 500 * time.Millisecond
	}
	if opts.MaxBackoff < opts.InitialBackoff {
		opts.MaxBackoff = max(8*time.Second, opts.InitialBackoff)
	}
	if opts.KeyCacheTTL <= 0 {
		opts.KeyCacheTTL = 5 * time.Minute
	}
	var injected func(context.Context, time.Duration) error
	if opts.Sleep == nil {
		opts.Sleep = sleepCtx
	} else {
		injected = opts.Sleep
	}
	if !opts.DisableLedger && opts.StateDir == "" {
		dir, err := ledger.DefaultStateDir()
		if err != nil {
			return nil, err
		}
		opts.StateDir = dir
	}
	runLedger, err := ledger.Open(opts.StateDir, opts.RunID, !opts.DisableLedger, opts.Clock)
	if err != nil {
		return nil, err
	}
	cfg = awserr.WithProbe(sdkhttp.Guard(cfg))
	if cfg.Retryer == nil {
		// A retryer the caller chose (AWS_MAX_ATTEMPTS, AWS_RETRY_MODE, a
		// test's short one) stays.
		cfg.Retryer = labRetryer(injected)
	}
	return &Lab{
		cfg:    cfg,
		opts:   opts,
		names:  ledger.NewNames(opts.RunID),
		now:    opts.Clock,
		ledger: runLedger,
		kms:    kms.NewFromConfig(cfg),
		ddb:    dynamodb.NewFromConfig(cfg),
		iam:    iam.NewFromConfig(cfg),
		sts:    sts.NewFromConfig(cfg),
	}, nil
}

// Names returns the names of the run's resources.
func (l *Lab) Names() ledger.Names { return l.names }

// LedgerPath is where the run's ledger lives ("" when disabled).
func (l *Lab) LedgerPath() string { return l.ledger.Path() }

// Ledger returns a copy of the run's ledger as it stands.
func (l *Lab) Ledger() ledger.Ledger { return l.ledger.Snapshot() }

// WhoAmI asks STS who the admin is; its answer is what the user confirms
// before anything is created. GetCallerIdentity needs no permission, so a
// failure here is about credentials or the network.
func (l *Lab) WhoAmI(ctx context.Context) (Identity, error) {
	if l.ident != nil {
		return *l.ident, nil
	}
	if l.cfg.Region == "" {
		return Identity{}, &awserr.Error{Op: "check identity", Message: "no AWS region is set",
			Hint: "Pass --region, or set AWS_REGION or a region in your profile"}
	}
	if err := l.regionNameProblem(); err != nil {
		return Identity{}, err
	}
	out, err := l.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		if rerr := l.regionCallProblem(err); rerr != nil {
			return Identity{}, rerr
		}
		return Identity{}, awserr.Fail("check identity", "", err)
	}
	id := Identity{
		Account: aws.ToString(out.Account),
		ARN:     aws.ToString(out.Arn),
		UserID:  aws.ToString(out.UserId),
		Region:  l.cfg.Region,
	}
	l.ident = &id
	l.partition = partition.Of(id.ARN)
	if err := l.ledger.SetOrigin(id.Account, id.Region, aws.ToString(l.cfg.BaseEndpoint)); err != nil {
		return Identity{}, awserr.Fail("check identity", "", err)
	}
	return id, nil
}

// identity is WhoAmI for methods that need the account before acting.
func (l *Lab) identity(ctx context.Context) (Identity, error) { return l.WhoAmI(ctx) }

// adminPrincipal is the admin as a key policy can name it: for an assumed
// role (SSO among them) the role, with its path, rather than the session.
func (l *Lab) adminPrincipal(ctx context.Context) (string, error) {
	if l.principal != "" {
		return l.principal, nil
	}
	id, err := l.identity(ctx)
	if err != nil {
		return "", err
	}
	l.principal = principalFor(ctx, l.iam, id)
	return l.principal, nil
}

// principalFor maps an STS identity ARN to the IAM ARN policies use.
func principalFor(ctx context.Context, c *iam.Client, id Identity) string {
	p, ok := partition.ParsePrincipal(id.ARN)
	if !ok || p.Kind != partition.RoleSession {
		return id.ARN
	}
	if out, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(p.Name)}); err == nil && out.Role != nil {
		return aws.ToString(out.Role.Arn) // carries the role's path, which SSO roles have
	}
	return p.RoleARN()
}

// Identity is who the SDK is signed in as, and where.
type Identity struct {
	Account string
	ARN     string // as STS reports it (an assumed-role session for SSO)
	UserID  string
	Region  string
}

// ViaService is the kms:ViaService value of service acting for the caller
// id, e.g. "dynamodb.us-east-1.amazonaws.com", for the commands the lab
// shows.
func ViaService(service string, id Identity) string {
	return partition.ViaService(service, id.Region, partition.Of(id.ARN))
}
