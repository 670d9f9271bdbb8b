package policy

import (
	"fmt"
	"strings"
)

// Grant is a KMS grant: it lets its grantee perform the listed operations on
// the key, within optional encryption context constraints. A nil constraint
// map is no constraint; an empty EncryptionContextEquals requires an empty
// context.
type Grant struct {
	ID                      string
	Name                    string `json:",omitempty"`
	Grantee                 string
	Operations              []string          // "Decrypt", "GenerateDataKey", ...
	EncryptionContextEquals map[string]string `json:",omitempty"`
	EncryptionContextSubset map[string]string `json:",omitempty"`
}

// allows reports whether the grant lets caller perform op with the request's
// encryption context, and when not, why in a few words.
func (g *Grant) allows(caller, op string, encCtx map[string]string) (bool, string) {
	if g.Grantee != caller {
		return false, "for " + g.Grantee + ", not this caller"
	}
	found := false
	for _, o := range g.Operations {
		if o == op {
			found = true
			break
		}
	}
	if !found {
		return false, fmt.Sprintf("grants %s, not %s", short(g.Operations), op)
	}
	if !constrained(op) || (g.EncryptionContextEquals == nil && g.EncryptionContextSubset == nil) {
		return true, "grants " + op
	}
	// Grant constraint keys are case-insensitive, values case-sensitive.
	get := func(k string) (string, bool) {
		for ek, v := range encCtx {
			if strings.EqualFold(ek, k) {
				return v, true
			}
		}
		return "", false
	}
	if g.EncryptionContextEquals != nil {
		if len(g.EncryptionContextEquals) != len(encCtx) {
			return false, "encryption context differs from the one it requires"
		}
		for k, v := range g.EncryptionContextEquals {
			if got, ok := get(k); !ok || got != v {
				return false, "encryption context differs from the one it requires"
			}
		}
	}
	for k, v := range g.EncryptionContextSubset {
		if got, ok := get(k); !ok || got != v {
			return false, fmt.Sprintf("encryption context lacks %s=%s", k, v)
		}
	}
	return true, "grants " + op + " within its encryption context constraint"
}

// constrained reports whether grant constraints apply to op: only to
// cryptographic operations that take an encryption context.
func constrained(op string) bool {
	switch op {
	case "Encrypt", "Decrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo":
		return true
	}
	return false
}
