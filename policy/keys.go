package policy

import "strings"

// Key is the name of a condition key AWS sets on a request, spelled as AWS
// documents it. Policies may write it in any case; Context.Get matches it
// without regard to case.
type Key string

// The condition keys the offline AWS and the trace set, all in
// RequestContext: the global keys
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html)
// and KMS's (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html).
const (
	KeyPrincipalArn          Key = "aws:PrincipalArn"
	KeyPrincipalAccount      Key = "aws:PrincipalAccount"
	KeyPrincipalType         Key = "aws:PrincipalType"
	KeySecureTransport       Key = "aws:SecureTransport"
	KeyUsername              Key = "aws:username"
	KeyUserID                Key = "aws:userid"
	KeyCurrentTime           Key = "aws:CurrentTime"
	KeyCallerAccount         Key = "kms:CallerAccount"
	KeyViaService            Key = "kms:ViaService"
	KeyEncryptionContextKeys Key = "kms:EncryptionContextKeys"
	// KeyEncryptionContext is a prefix: kms:EncryptionContext:<context key>.
	KeyEncryptionContext Key = "kms:EncryptionContext:"
)

// requestKeys are the keys RequestContext may set under their own name.
var requestKeys = []Key{KeyPrincipalArn, KeyPrincipalAccount, KeyPrincipalType, KeySecureTransport,
	KeyUsername, KeyUserID, KeyCurrentTime, KeyCallerAccount, KeyViaService, KeyEncryptionContextKeys}

// lower is the key as evaluation indexes it.
func (k Key) lower() string { return strings.ToLower(string(k)) }

// Value returns the values of key k in c.
func (c Context) Value(k Key) ([]string, bool) { return c.Get(string(k)) }
