package awsops

import (
	"time"
)

// Identity is who the SDK is signed in as, and where.
type Identity struct {
	Account string
	ARN     string // as STS reports it (an assumed-role session for SSO)
	UserID  string
	Region  string
}

// Key describes the lab's KMS key.
type Key struct {
	ID          string
	ARN         string
	Alias       string
	State       string // Enabled, PendingDeletion, ...
	Spec        string // SYMMETRIC_DEFAULT
	Usage       string // ENCRYPT_DECRYPT
	Manager     string // CUSTOMER or AWS
	Created     time.Time
	Description string
	Policy      string // the key policy, pretty-printed JSON
}

// Table describes the lab's DynamoDB table and how it is encrypted at rest.
type Table struct {
	Name      string
	ARN       string
	Status    string // CREATING, ACTIVE, ...
	KeySchema string // e.g. "id (S, HASH)"
	SSE       SSE
}

// SSE is a table's server-side encryption. Status and Type are empty when
// the table uses the default AWS owned key.
type SSE struct {
	Status    string // ENABLED, ...
	Type      string // KMS
	KMSKeyARN string
}

// Attr is one attribute of an item, with its DynamoDB type (S, N, BOOL, ...)
// and its value as text.
type Attr struct {
	Name, Type, Value string
}

// Item is a DynamoDB item with its attributes in a stable order: the
// sample's own order first, any others sorted by name.
type Item []Attr

// Get returns the value of the named attribute, or "" when absent.
func (it Item) Get(name string) string {
	for _, a := range it {
		if a.Name == name {
			return a.Value
		}
	}
	return ""
}

// TestUser is the restricted IAM user of part 4. Its secret access key is
// kept inside the Lab only and never appears here.
type TestUser struct {
	Name        string
	ARN         string
	AccessKeyID string
	Policies    []string // ARNs of the attached managed policies
}

// Access is the result of reading the table as the test user: either the
// items, or the denial that stopped the read.
type Access struct {
	Items  []Item
	Denied *Denied
}

// Allowed reports whether the read succeeded.
func (a Access) Allowed() bool { return a.Denied == nil }

// Denied is an AccessDeniedException taken apart. For the lab's decisive
// moment, Action is kms:Decrypt and Resource the key's ARN, although the call
// made was DynamoDB's Scan.
type Denied struct {
	Code      string // AccessDeniedException
	Action    string // kms:Decrypt
	Resource  string // the key ARN
	Principal string // who was refused
	Reason    string // "because no identity-based policy allows the kms:Decrypt action"
	Message   string // AWS's full message
	Operation string // the API call that failed, e.g. Scan
	Service   string // the service called, e.g. DynamoDB
}

// PolicyChange is an edit of the key policy, for the policy-diff view.
type PolicyChange struct {
	Before  string     // pretty-printed policy before the edit
	After   string     // pretty-printed policy after the edit (equal to Before when unchanged)
	Diff    PolicyDiff // Before -> After; empty when unchanged
	Added   []string   // principals the edit added
	Changed bool
}

// Explanation is IAM's policy simulation of the test user calling
// kms:Decrypt on the key, with the key policy as the resource policy.
type Explanation struct {
	Action   string
	Resource string
	Decision string      // allowed, implicitDeny, explicitDeny
	Matched  []Statement // statements that decided, if any
	Details  []Detail    // the decision per policy type (IAM policy, resource policy)
	Missing  []string    // context keys the simulation lacked
	Summary  string      // one or two plain sentences
	// Trace is the local evaluation of the real documents, statement by
	// statement (nil when it could not be made; TraceError says why).
	Trace      *Trace `json:",omitempty"`
	TraceError string `json:",omitempty"`
}

// Statement identifies one policy statement.
type Statement struct {
	Source string // "key policy", or the IAM policy's name
	Sid    string // the statement's Sid when known
}

// Detail is the decision of one kind of policy.
type Detail struct {
	Source, Decision string
}

// Fate is what cleanup did with one resource.
type Fate struct {
	Kind    string // one of the Kind constants
	Name    string
	Outcome string // "deleted", "already gone", "scheduled for deletion in 7 days", "failed: ..."
	Err     error
}

// Failed reports whether the resource may still exist.
func (f Fate) Failed() bool { return f.Err != nil }

// CleanupReport lists each resource's fate, in the order cleanup handled them.
type CleanupReport struct {
	Resources []Fate
}

// OK reports whether nothing failed.
func (r CleanupReport) OK() bool {
	for _, f := range r.Resources {
		if f.Failed() {
			return false
		}
	}
	return true
}

// Kinds of resources, in the order cleanup removes them.
const (
	KindAccessKey     = "iam access key"
	KindPolicy        = "iam policy attachment"
	KindInlinePolicy  = "iam inline policy"
	KindUser          = "iam user"
	KindManagedPolicy = "iam customer managed policy"
	KindTable         = "dynamodb table"
	KindAlias         = "kms alias"
	KindGrant         = "kms grant"
	KindKey           = "kms key"
)

// Leftover is a resource a run may have left behind.
type Leftover struct {
	RunID  string
	Kind   string
	Name   string // user, table or alias name; key id; access key id; policy ARN
	User   string // the owning user, for access keys and policy attachments
	ARN    string
	Source string // "ledger", "tags", or "ledger+tags"
	Detail string // e.g. "recorded, creation unconfirmed"
}
