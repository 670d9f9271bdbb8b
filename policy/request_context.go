package policy

import (
	"maps"
	"slices"
	"strings"
	"time"
)

// Caller is who sends a request, as AWS describes them to policies.
type Caller struct {
	// ARN is the IAM user's ARN, or the role session's
	// (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION).
	ARN     string
	Account string
	// RoleARN is set for a role session: its role's ARN, path included.
	RoleARN  string
	UserName string // set for an IAM user
	UserID   string // aws:userid, when known
}

// RequestFacts are what AWS knows of a request when it sets the condition keys.
type RequestFacts struct {
	Caller Caller
	Time   time.Time // aws:CurrentTime; the zero time leaves it unset
	Secure bool      // the request came over TLS (aws:SecureTransport)
	// KMS marks a request to KMS for a key: KMS adds kms:CallerAccount,
	// kms:ViaService and the encryption context keys.
	KMS bool
	// ViaService is the endpoint of the service acting for the caller
	// ("dynamodb.us-east-1.amazonaws.com"), or "" for a direct call.
	ViaService        string
	EncryptionContext map[string]string
}

// RequestContext is the condition keys AWS sets on a request: the global
// ones, and KMS's for a request on a key. The offline AWS enforces with it
// and the trace explains with it, so the two cannot see different requests.
func RequestContext(f RequestFacts) Context {
	who := f.Caller
	// A role session is known to policies by its role: aws:PrincipalArn
	// names the role, not the session, and there is no aws:username.
	principalType, principalARN := "User", who.ARN
	switch {
	case who.RoleARN != "":
		principalType, principalARN = "AssumedRole", who.RoleARN
	case isRootARN(who.ARN):
		principalType = "Account" // the account's root user
	}
	secure := "false"
	if f.Secure {
		secure = "true"
	}
	// Every authorized request builds this, so the single values share one
	// backing array rather than costing an allocation each.
	n := 7 // a map of up to 8 entries is one group: keep the plain case in it
	if f.KMS {
		n += 3 + len(f.EncryptionContext)
	}
	ctx := make(Context, n)
	vals := make([]string, 0, n)
	set := func(k Key, v string) {
		vals = append(vals, v)
		ctx[string(k)] = vals[len(vals)-1 : len(vals) : len(vals)]
	}
	set(KeyPrincipalArn, principalARN)
	set(KeyPrincipalAccount, who.Account)
	set(KeyPrincipalType, principalType)
	set(KeySecureTransport, secure)
	if who.UserName != "" {
		set(KeyUsername, who.UserName)
	}
	if who.UserID != "" {
		set(KeyUserID, who.UserID)
	}
	if !f.Time.IsZero() {
		set(KeyCurrentTime, f.Time.UTC().Format("2006-01-02T15:04:05Z"))
	}
	if !f.KMS {
		return ctx
	}
	set(KeyCallerAccount, who.Account)
	if f.ViaService != "" {
		set(KeyViaService, f.ViaService)
	}
	for k, v := range f.EncryptionContext {
		set(KeyEncryptionContext+Key(k), v)
	}
	if len(f.EncryptionContext) > 0 {
		ctx[string(KeyEncryptionContextKeys)] = slices.Sorted(maps.Keys(f.EncryptionContext))
	}
	return ctx
}

// isRootARN reports whether arn names an account's root user
// (arn:aws:iam::111122223333:root).
func isRootARN(arn string) bool {
	rest, ok := strings.CutSuffix(arn, ":root")
	if !ok {
		return false
	}
	parts := strings.Split(rest, ":")
	return len(parts) == 5 && parts[0] == "arn" && parts[2] == "iam" && parts[3] == ""
}
