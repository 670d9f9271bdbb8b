package api

import (
	"strings"
	"testing"
	"time"
)

// TestSeededEnvIsDeterministicButSecretsAreNot: the same seed gives the same
// ids and UUIDs, never the same secret access keys.
func TestSeededEnvIsDeterministicButSecretsAreNot(t *testing.T) {
	seeded := func() *Env {
		return NewEnv("111122223333", "us-east-1", func() time.Time { return time.Unix(0, 0) }, strings.NewReader(strings.Repeat("seed", 1000)))
	}
	a, b := seeded(), seeded()
	for i := 0; i < 3; i++ {
		if a.UUID() != b.UUID() || a.ID("AKIA", 20) != b.ID("AKIA", 20) {
			t.Fatal("seeded ids differ")
		}
		sa, sb := a.Secret(), b.Secret()
		if sa == sb || len(sa) != 40 {
			t.Fatalf("secrets %q %q: must be 40 characters and never repeat across seeded runs", sa, sb)
		}
	}
	if a.UUID() != b.UUID() {
		t.Fatal("a secret consumed a different amount of the seeded stream")
	}
}
