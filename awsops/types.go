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
	ID          string    `json:"id"`
	ARN         string    `json:"arn,omitempty"`
	Alias       string    `json:"alias"`
	State       string    `json:"state"`   // Enabled, PendingDeletion, ...
	Spec        string    `json:"spec"`    // SYMMETRIC_DEFAULT
	Usage       string    `json:"usage"`   // ENCRYPT_DECRYPT
	Manager     string    `json:"manager"` // CUSTOMER or AWS
	Created     time.Time `json:"created"`
	Description string    `json:"description,omitempty"`
	Policy      string    `json:"policy,omitempty"` // the key policy, pretty-printed JSON
}

// Table describes the lab's DynamoDB table and how it is encrypted at rest.
type Table struct {
	Name      string `json:"name"`
	ARN       string `json:"arn,omitempty"`
	Status    string `json:"status"`              // CREATING, ACTIVE, ...
	KeySchema string `json:"keySchema,omitempty"` // e.g. "id (S, HASH)"
	SSE       SSE    `json:"sse"`
}

// SSE is a table's server-side encryption. Status and Type are empty when
// the table uses the default AWS owned key.
type SSE struct {
	Status    string `json:"status"` // ENABLED, ...
	Type      string `json:"type"`   // KMS
	KMSKeyARN string `json:"kmsKeyArn"`
}

// Attr is one attribute of an item, with its DynamoDB type (S, N, BOOL, ...)
// and its value as text.
type Attr struct {
	Name  string `json:"name"`
	Type  string `json:"type"`
	Value string `json:"value"`
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
	Name        string   `json:"name"`
	ARN         string   `json:"arn,omitempty"`
	AccessKeyID string   `json:"accessKeyId"`
	Policies    []string `json:"policies"` // ARNs of the attached managed policies
}

// Access is the result of reading the table as the test user: either the
// items, or the denial that stopped the read.
type Access struct {
	Items  []Item  `json:"items"`
	Denied *Denied `json:"denied,omitempty"`
}

// Allowed reports whether the read succeeded.
func (a Access) Allowed() bool { return a.Denied == nil }

// Denied is an AccessDeniedException taken apart. For the lab's decisive
// moment, Action is kms:Decrypt and Resource the key's ARN, although the call
// made was DynamoDB's Scan.
type Denied struct {
	Code      string `json:"code"`                // AccessDeniedException
	Action    string `json:"action"`              // kms:Decrypt
	Resource  string `json:"resource"`            // the key ARN
	Principal string `json:"principal,omitempty"` // who was refused
	Reason    string `json:"reason,omitempty"`    // "because no identity-based policy allows the kms:Decrypt action"
	Message   string `json:"message"`             // AWS's full message
	Operation string `json:"operation"`           // the API call that failed, e.g. Scan
	Service   string `json:"service"`             // the service called, e.g. DynamoDB
}

// PolicyChange is an edit of the key policy, for the policy-diff view.
type PolicyChange struct {
	Before  string     `json:"before"`          // pretty-printed policy before the edit
	After   string     `json:"after"`           // pretty-printed policy after the edit (equal to Before when unchanged)
	Diff    PolicyDiff `json:"diff,omitempty"`  // Before -> After; empty when unchanged
	Added   []string   `json:"added,omitempty"` // principals the edit added
	Changed bool       `json:"changed"`
}

// Explanation is IAM's policy simulation of the test user calling
// kms:Decrypt on the key, with the key policy as the resource policy.
type Explanation struct {
	Action   string      `json:"action"`
	Resource string      `json:"resource"`
	Decision string      `json:"decision"`          // allowed, implicitDeny, explicitDeny
	Matched  []Statement `json:"matched,omitempty"` // statements that decided, if any
	Details  []Detail    `json:"details,omitempty"` // the decision per policy type (IAM policy, resource policy)
	Missing  []string    `json:"missing,omitempty"` // context keys the simulation lacked
	Summary  string      `json:"summary,omitempty"` // one or two plain sentences
	// Trace is the local evaluation of the real documents, statement by
	// statement (nil when it could not be made; TraceError says why).
	Trace      *Trace `json:"trace,omitempty"`
	TraceError string `json:"traceError,omitempty"`
}

// Statement identifies one policy statement.
type Statement struct {
	Source string `json:"source"` // "key policy", or the IAM policy's name
	Sid    string `json:"sid"`    // the statement's Sid when known
}

// Detail is the decision of one kind of policy.
type Detail struct {
	Source   string `json:"source"`
	Decision string `json:"decision"`
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
