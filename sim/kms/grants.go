package kms

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"kmslab/policy"
	"kmslab/sim/api"
)

var grantOperations = []string{"Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext",
	"ReEncryptFrom", "ReEncryptTo", "Sign", "Verify", "GetPublicKey", "CreateGrant", "RetireGrant", "DescribeKey",
	"GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext", "GenerateMac", "VerifyMac", "DeriveSharedSecret"}

// symmetricGrantOp reports whether op can be granted on a symmetric encryption key.
func symmetricGrantOp(op string) bool {
	switch op {
	case "Sign", "Verify", "GetPublicKey", "GenerateMac", "VerifyMac", "DeriveSharedSecret":
		return false
	}
	return true
}

// principalChar is PrincipalIdType's pattern ^[\w+=,.@:/-]+$.
func principalChar(r rune) bool {
	return wordChar(r) || strings.ContainsRune("+=,.@:/-", r)
}

type grantConstraints struct {
	EncryptionContextSubset map[string]string `json:",omitempty"`
	EncryptionContextEquals map[string]string `json:",omitempty"`
}

type grantRequest struct {
	grantee, retiring, name string
	ops                     []string
	constraints             *grantConstraints
	dryRun                  bool
	forAWSResource          bool // a service creates the grant for a caller's resource
}

// conditions are the condition keys KMS sets on a CreateGrant request from its terms.
func (r grantRequest) conditions() policy.Context {
	extra := policy.Context{
		"kms:GrantOperations":  r.ops,
		"kms:GranteePrincipal": {r.grantee},
	}
	if r.retiring != "" {
		extra["kms:RetiringPrincipal"] = []string{r.retiring}
	}
	if r.forAWSResource {
		extra["kms:GrantIsForAWSResource"] = []string{"true"}
	}
	if r.constraints != nil {
		if r.constraints.EncryptionContextSubset != nil {
			extra["kms:GrantConstraintType"] = []string{"EncryptionContextSubset"}
		}
		if r.constraints.EncryptionContextEquals != nil {
			extra["kms:GrantConstraintType"] = []string{"EncryptionContextEquals"}
		}
	}
	return extra
}

// addGrant adds the grant r on k, issued by caller, or returns the existing
// grant of the same name and parameters (CreateGrant is idempotent by Name).
// The caller is authorized already. Callers hold s.mu.
func (s *Service) addGrant(caller *api.Principal, k *key, r grantRequest) (id, token string, err error) {
	for _, op := range r.ops {
		if !symmetricGrantOp(op) {
			return "", "", api.BadRequest("ValidationException", "Grant operation %s is not valid for %s: its KeySpec is SYMMETRIC_DEFAULT and its KeyUsage ENCRYPT_DECRYPT.", op, k.arn)
		}
	}
	if r.dryRun {
		return "", "", errDryRun()
	}
	token = base64.RawURLEncoding.EncodeToString(s.env.Bytes(96))
	if r.name != "" {
		for _, g := range k.grants {
			if g.name == r.name && g.grantee == r.grantee && g.retiring == r.retiring && slices.Equal(g.ops, r.ops) {
				g.tokens = append(g.tokens, token)
				return g.id, token, nil
			}
		}
	}
	issuer := ""
	if caller != nil {
		issuer = caller.AccountID
	}
	g := &grant{
		id:       hex.EncodeToString(s.env.Bytes(32)),
		tokens:   []string{token},
		name:     r.name,
		keyID:    k.id,
		grantee:  r.grantee,
		retiring: r.retiring,
		issuer:   issuer,
		ops:      append([]string(nil), r.ops...),
		created:  s.env.Now(),
	}
	if !r.forAWSResource {
		// A service that creates a grant for its own use passes its token.
		g.effective = g.created.Add(s.opts.Lag.grant())
	}
	if c := r.constraints; c != nil {
		g.constraints = true
		g.ctxSubset, g.ctxEquals = c.EncryptionContextSubset, c.EncryptionContextEquals
	}
	k.grants = append(k.grants, g)
	return g.id, token, nil
}

// findGrant returns the grant with id on k and its index.
func findGrant(k *key, id string) (*grant, int, error) {
	for i, g := range k.grants {
		if g.id == id {
			return g, i, nil
		}
	}
	return nil, -1, errNotFound("Grant ID %s not found", id)
}

// grantByToken finds a grant from one of its tokens. Callers hold s.mu.
func (s *Service) grantByToken(token string) (*key, int, error) {
	for _, id := range s.order {
		k := s.keys[id]
		for i, g := range k.grants {
			if slices.Contains(g.tokens, token) {
				return k, i, nil
			}
		}
	}
	return nil, -1, api.BadRequest("InvalidGrantTokenException", "The grant token is invalid.")
}

type grantEntry struct {
	KeyId             string
	GrantId           string
	Name              string `json:",omitempty"`
	CreationDate      epoch
	GranteePrincipal  string
	RetiringPrincipal string `json:",omitempty"`
	IssuingAccount    string
	Operations        []string
	Constraints       *grantConstraints `json:",omitempty"`
}

func (s *Service) grantEntry(k *key, g *grant) grantEntry {
	e := grantEntry{
		KeyId:             k.arn,
		GrantId:           g.id,
		Name:              g.name,
		CreationDate:      epoch(g.created),
		GranteePrincipal:  g.grantee,
		RetiringPrincipal: g.retiring,
		IssuingAccount:    fmt.Sprintf("arn:aws:iam::%s:root", g.issuer),
		Operations:        g.ops,
	}
	if g.constraints {
		e.Constraints = &grantConstraints{EncryptionContextSubset: g.ctxSubset, EncryptionContextEquals: g.ctxEquals}
	}
	return e
}
