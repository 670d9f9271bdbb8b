package awsops

import (
	"context"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
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
	// InitialBackoff and MaxBackoff shape the retries of those waits;
	// defaults 500 ms and 8 s.
	InitialBackoff time.Duration
	MaxBackoff     time.Duration
}

// Progress reports a wait in progress, e.g. "waiting for IAM to propagate the
// new access key" after 3 s at attempt 4.
type Progress struct {
	Step    string // the Lab method waiting, e.g. "CreateTestUser"
	Message string
	Elapsed time.Duration
	Attempt int
}

// String renders p for a status line.
func (p Progress) String() string { return "" }

// Lab runs one walkthrough: the admin's clients, the run's names, the ledger,
// and, once created, the test user's clients. Its methods are meant to be
// called in lab order from one goroutine at a time.
type Lab struct {
	names Names
}

// New prepares a lab run on cfg (SDK default chain, a profile, SSO, or a
// custom endpoint with static keys). It makes no AWS call.
func New(cfg aws.Config, opts Options) (*Lab, error) { return nil, errors.New("todo") }

// Names returns the names of the run's resources.
func (l *Lab) Names() Names { return l.names }

// LedgerPath is where the run's ledger lives ("" when disabled).
func (l *Lab) LedgerPath() string { return "" }

// WhoAmI asks STS who the admin is; its answer is what the user confirms
// before anything is created.
func (l *Lab) WhoAmI(ctx context.Context) (Identity, error) { return Identity{}, errors.New("todo") }

// CreateKey creates the run's symmetric customer managed key with a
// console-style policy naming the caller as Key Administrator and Key User,
// then points the run's alias at it.
func (l *Lab) CreateKey(ctx context.Context) (Key, error) { return Key{}, errors.New("todo") }

// DescribeKey describes the run's key, its policy included.
func (l *Lab) DescribeKey(ctx context.Context) (Key, error) { return Key{}, errors.New("todo") }

// GetKeyPolicy returns the key policy, pretty-printed.
func (l *Lab) GetKeyPolicy(ctx context.Context) (string, error) { return "", errors.New("todo") }

// CreateEncryptedTable creates the run's table encrypted with the run's key
// and waits until it is ACTIVE.
func (l *Lab) CreateEncryptedTable(ctx context.Context) (Table, error) {
	return Table{}, errors.New("todo")
}

// DescribeTableEncryption describes the table and its encryption at rest.
func (l *Lab) DescribeTableEncryption(ctx context.Context) (Table, error) {
	return Table{}, errors.New("todo")
}

// PutItem writes the sample item as the admin.
func (l *Lab) PutItem(ctx context.Context) (Item, error) { return nil, errors.New("todo") }

// ScanAsAdmin reads the table as the admin, who may use the key.
func (l *Lab) ScanAsAdmin(ctx context.Context) ([]Item, error) { return nil, errors.New("todo") }

// CreateTestUser creates the restricted user (AmazonDynamoDBFullAccess, no
// KMS permission) with an access key, and waits until that key works.
func (l *Lab) CreateTestUser(ctx context.Context) (TestUser, error) {
	return TestUser{}, errors.New("todo")
}

// ScanAsTestUser reads the table with the test user's key. An access denial
// is a result, not an error: it comes back as Access.Denied.
func (l *Lab) ScanAsTestUser(ctx context.Context) (Access, error) {
	return Access{}, errors.New("todo")
}

// DescribeTableAsTestUser describes the table with the test user's key; it
// works because describing needs no KMS permission.
func (l *Lab) DescribeTableAsTestUser(ctx context.Context) (Table, error) {
	return Table{}, errors.New("todo")
}

// GrantKeyUse adds the test user to the key policy's "Allow use of the key"
// statement (creating it if absent), keeping every other statement.
// Calling it again changes nothing.
func (l *Lab) GrantKeyUse(ctx context.Context) (PolicyChange, error) {
	return PolicyChange{}, errors.New("todo")
}

// WaitForAccess retries ScanAsTestUser with backoff until the test user may
// read the table or the wait times out (the new key policy propagates).
func (l *Lab) WaitForAccess(ctx context.Context) (Access, error) {
	return Access{}, errors.New("todo")
}

// Explain asks IAM's policy simulator why the test user may or may not call
// kms:Decrypt on the key, with the key policy as the resource policy.
func (l *Lab) Explain(ctx context.Context) (Explanation, error) {
	return Explanation{}, errors.New("todo")
}

// Cleanup removes everything the run created, in dependency order: access
// keys, policy attachments, user, table, alias, then schedules the key's
// deletion in 7 days (the minimum AWS allows). It is idempotent: a resource
// already gone counts as done.
func (l *Lab) Cleanup(ctx context.Context) (CleanupReport, error) {
	return CleanupReport{}, errors.New("todo")
}

// Preflight simulates the admin's IAM policies over every action the lab
// performs and returns the actions that would be denied; empty means ready.
func (l *Lab) Preflight(ctx context.Context) ([]string, error) { return nil, errors.New("todo") }

// Leftovers lists what unfinished runs left in cfg's account and region: the
// resources recorded in the ledgers under stateDir plus those tagged
// kmslab:run.
func Leftovers(ctx context.Context, cfg aws.Config, stateDir string) ([]Leftover, error) {
	return nil, errors.New("todo")
}

// CleanupLeftovers removes the given leftovers, run by run in dependency
// order, updating and finally removing their ledgers. progress, when set,
// hears each fate as it is decided.
func CleanupLeftovers(ctx context.Context, cfg aws.Config, stateDir string, leftovers []Leftover, progress func(Fate)) (CleanupReport, error) {
	return CleanupReport{}, errors.New("todo")
}

// DefaultStateDir is $XDG_STATE_HOME/kmslab, or ~/.local/state/kmslab.
func DefaultStateDir() (string, error) { return "", errors.New("todo") }
