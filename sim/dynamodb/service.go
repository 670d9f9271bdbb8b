// Package dynamodb is the offline DynamoDB of kmslab. It exists to make the lab's decisive
// moment happen for the real reason: every table is encrypted at rest under a table key that
// KMS wraps, and every data-plane request (read or write) needs that table key decrypted with
// the caller's own identity, so a user with dynamodb:* but no kms:Decrypt on the table's key
// is refused, exactly as on AWS.
//
// Storage holds no plaintext: a table keeps only the KMS-wrapped table key (or, for the
// AWS owned default key, the table key wrapped under an internal service key), and each
// item is AES-256-GCM ciphertext of its canonical encoding, key attributes included,
// indexed by an HMAC of its key. Inspect shows those bytes for teaching. Secondary indexes
// and transactions read and write only through the table key obtained as the caller, so the
// key policy guards an index Query and a TransactWriteItems exactly as it guards a GetItem.
//
// Error wording follows AWS. Where AWS's text for a KMS failure seen through DynamoDB is not
// documented, we wrap the KMS error the way DynamoDB wraps the AccessDenied case:
//
//   - KMS AccessDeniedException on a data-plane request: 400 AccessDeniedException
//     "KMS key access denied error: com.amazonaws.services.kms.model.AWSKMSException: <kms message>
//     (Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException; Request ID: <id>; Proxy: null)".
//   - Disabled key, key pending deletion, missing key on a data-plane request: 400
//     ValidationException with the same frame around the KMS error
//     ("... com.amazonaws.services.kms.model.KMSInvalidStateException: <arn> is pending deletion. ...").
//   - CreateTable/UpdateTable with a key that does not exist, is disabled or is pending
//     deletion: ValidationException "KMS validation error: com.amazonaws.services.kms.model.<Code>: ...",
//     the frame AWS uses for a missing key.
package dynamodb

import (
	"context"
	"sort"
	"sync"
	"time"

	"kmslab/sim/api"
	"kmslab/sim/audit"
	"kmslab/sim/authz"
	"kmslab/sim/kms"
)

// Options tunes the service.
type Options struct {
	// KeyCacheTTL is how long a table key decrypted for one principal stays cached after its
	// last use (DynamoDB: five minutes of inactivity); 0 asks KMS on every request. Denials are
	// never cached.
	KeyCacheTTL time.Duration
	// CreationDelay keeps a new table CREATING this long (0: ACTIVE at once).
	CreationDelay time.Duration
	// Recovery, when set (the realistic mode), is how long a table whose KMS
	// key became unusable stays INACCESSIBLE_ENCRYPTION_CREDENTIALS after the
	// key works again (recovery.go); nil: it works again at once.
	Recovery func() time.Duration
}

// Keys is what DynamoDB needs from KMS; *kms.Service satisfies it. Every call names the
// principal DynamoDB acts for and the via service (kms:ViaService).
type Keys interface {
	DescribeKeyFor(ctx context.Context, caller *api.Principal, keyRef, via string) (kms.KeyInfo, error)
	AWSManagedKey(ctx context.Context, alias, description string) (kms.KeyInfo, error)
	CreateGrantFor(ctx context.Context, caller *api.Principal, keyARN, grantee string, ops []string, via string) (string, error)
	RetireGrantFor(ctx context.Context, caller *api.Principal, keyARN, grantID, via string) error
	GenerateDataKeyFor(ctx context.Context, caller *api.Principal, keyARN string, encCtx map[string]string, via string) (plaintext, blob []byte, err error)
	DecryptFor(ctx context.Context, caller *api.Principal, blob []byte, encCtx map[string]string, via string) ([]byte, error)
}

// AtRest is what the store holds for one table: nothing in it is plaintext.
type AtRest struct {
	Table           string
	KMSKeyARN       string // empty for the AWS owned default key
	WrappedTableKey []byte
	Items           []StoredItem
}

// StoredItem is one item as stored: its keyed hash and its ciphertext (nonce first).
type StoredItem struct {
	KeyHash    []byte
	Ciphertext []byte
}

// Service is the offline DynamoDB.
type Service struct {
	env  *api.Env
	az   *authz.Authorizer
	keys Keys
	// log is the shared audit trail. The router records each DynamoDB call and KMS records
	// the calls made on the caller's behalf (invokedBy dynamodb.amazonaws.com), so the service
	// itself has nothing to add today; it keeps the log for events only it could know.
	log  *audit.Log
	opts Options
	via  string // dynamodb.<region>.amazonaws.com

	// serviceKey wraps the table keys of tables on the AWS owned key, so that even those
	// keep no plaintext key in the store.
	serviceKey []byte

	mu       sync.Mutex
	tables   map[string]*table
	txTokens txTokens    // guarded by mu
	journal  ItemJournal // nil: items live in memory only

	cacheMu sync.Mutex
	cache   map[cacheKey]cacheEntry
}

// New returns the service. keys may be nil only if no table ever uses a KMS key.
func New(env *api.Env, az *authz.Authorizer, keys Keys, log *audit.Log, opts Options) *Service {
	return &Service{
		env:        env,
		az:         az,
		keys:       keys,
		log:        log,
		opts:       opts,
		via:        "dynamodb." + env.Region + ".amazonaws.com",
		serviceKey: env.Bytes(32),
		tables:     map[string]*table{},
		cache:      map[cacheKey]cacheEntry{},
	}
}

// Handlers maps DynamoDB_20120810 operation names to handlers.
func (s *Service) Handlers() map[string]api.JSONHandler {
	return map[string]api.JSONHandler{
		"CreateTable":          s.createTable,
		"DescribeTable":        s.describeTable,
		"ListTables":           s.listTables,
		"DeleteTable":          s.deleteTable,
		"UpdateTable":          s.updateTable,
		"TagResource":          s.tagResource,
		"UntagResource":        s.untagResource,
		"ListTagsOfResource":   s.listTagsOfResource,
		"PutItem":              s.putItem,
		"GetItem":              s.getItem,
		"DeleteItem":           s.deleteItem,
		"UpdateItem":           s.updateItem,
		"Query":                s.query,
		"Scan":                 s.scan,
		"BatchWriteItem":       s.batchWriteItem,
		"BatchGetItem":         s.batchGetItem,
		"TransactWriteItems":   s.transactWriteItems,
		"TransactGetItems":     s.transactGetItems,
		"PutResourcePolicy":    s.putResourcePolicy,
		"GetResourcePolicy":    s.getResourcePolicy,
		"DeleteResourcePolicy": s.deleteResourcePolicy,
	}
}

// Inspect returns the raw bytes stored for a table: its wrapped table key and every item's
// keyed hash and ciphertext, ordered by hash.
func (s *Service) Inspect(name string) (AtRest, error) {
	s.mu.Lock()
	t := s.tables[name]
	s.mu.Unlock()
	if t == nil {
		return AtRest{}, api.BadRequest("ResourceNotFoundException", "Requested resource not found: Table: %s not found", name)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	out := AtRest{Table: name, KMSKeyARN: t.sse.keyARN, WrappedTableKey: append([]byte(nil), t.wrappedKey...)}
	_ = t.items.each(func(_ string, st *stored) error {
		out.Items = append(out.Items, StoredItem{
			KeyHash:    []byte(st.hash),
			Ciphertext: append([]byte(nil), st.sealed...),
		})
		return nil
	})
	sort.Slice(out.Items, func(i, j int) bool { return string(out.Items[i].KeyHash) < string(out.Items[j].KeyHash) })
	return out, nil
}
