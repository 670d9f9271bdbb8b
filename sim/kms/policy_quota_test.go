package kms

import (
	"strings"
	"testing"
)

// TestKeyPolicyQuota: a key policy over KMS's 32,768-byte quota is refused
// with LimitExceededException by CreateKey and PutKeyPolicy alike (the API's
// own length limit, 131,072, is far above it); one at the quota is taken.
func TestKeyPolicyQuota(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	pad := func(n int) string {
		p := defaultPolicy("111122223333")
		// Whitespace after the document keeps it valid JSON of any length.
		return p + strings.Repeat(" ", n-len(p))
	}
	key := f.createKey("")["KeyId"].(string)
	f.must(f.admin, "PutKeyPolicy", map[string]any{"KeyId": key, "PolicyName": "default", "Policy": pad(32768)})
	const code = "LimitExceededException"
	f.fails(f.admin, "PutKeyPolicy", map[string]any{"KeyId": key, "PolicyName": "default", "Policy": pad(32769)}, code, "")
	f.fails(f.admin, "CreateKey", map[string]any{"Policy": pad(100 << 10)}, code, "")
}
