// Package keyedhash computes HMAC-SHA256 under a fixed key without an hmac.New per call.
// hmac.New costs seven allocations and two SHA-256 states; the offline AWS computes an HMAC
// under the same key for every request (SigV4 signatures, DynamoDB item hashes), so a pooled
// HMAC is Reset to its keyed state instead.
package keyedhash

import (
	"crypto/hmac"
	"crypto/sha256"
	"hash"
	"sync"
)

// Hasher is safe for concurrent use.
type Hasher struct{ pool sync.Pool }

// New returns a Hasher for key; key must not change afterwards.
func New(key []byte) *Hasher {
	h := &Hasher{}
	h.pool.New = func() any { return hmac.New(sha256.New, key) }
	return h
}

// Append appends the HMAC of the concatenated parts to dst.
func (h *Hasher) Append(dst []byte, parts ...[]byte) []byte {
	m := h.pool.Get().(hash.Hash)
	for _, p := range parts {
		m.Write(p)
	}
	dst = m.Sum(dst)
	m.Reset()
	h.pool.Put(m)
	return dst
}

// Sum returns the HMAC of the concatenated parts as a string of raw bytes.
func (h *Hasher) Sum(parts ...[]byte) string {
	var buf [sha256.Size]byte
	return string(h.Append(buf[:0], parts...))
}
