package keyedhash

import (
	"crypto/hmac"
	"crypto/sha256"
	"sync"
	"testing"
)

// TestMatchesHMAC checks a reused HMAC against a fresh one, across goroutines,
// since a pooled state that was not Reset would poison the next sum.
func TestMatchesHMAC(t *testing.T) {
	key := []byte("table item key")
	h := New(key)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 200 {
				a, b := []byte{byte(g), byte(i)}, []byte("-tail")
				m := hmac.New(sha256.New, key)
				m.Write(a)
				m.Write(b)
				if got, want := h.Sum(a, b), string(m.Sum(nil)); got != want {
					t.Errorf("goroutine %d, sum %d: pooled HMAC differs from hmac.New", g, i)
					return
				}
			}
		})
	}
	wg.Wait()
}
