package kms

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"

	"kmslab/sim/api"

	"kmslab/policy"
)

type encryptInput struct {
	KeyId               *string
	Plaintext           []byte
	EncryptionContext   map[string]string
	GrantTokens         []string
	EncryptionAlgorithm *string
	DryRun              *bool
}

func (in *encryptInput) keyID() *string { return in.KeyId }

func (in *encryptInput) validate() error {
	var v validation
	v.str("keyId", in.KeyId, true, 1, 2048)
	v.blob("plaintext", in.Plaintext, true, 1, 4096)
	validateCrypto(&v, in.GrantTokens, "encryptionAlgorithm", in.EncryptionAlgorithm)
	return v.err()
}

func (in *encryptInput) conditions() (map[string]string, policy.Context) {
	return in.EncryptionContext, nil
}

func (s *Service) encrypt(ctx context.Context, body []byte) (any, error) {
	return keyOp(ctx, s, body, keyAccess{action: "kms:Encrypt", alias: true, state: requireUsage("Encrypt", usageEncrypt, false)}, func(in *encryptInput, k *key) (any, error) {
		if k.asymmetric() {
			return s.encryptRSA(k, in)
		}
		if err := algorithmOK(k, in.EncryptionAlgorithm); err != nil {
			return nil, err
		}
		if isTrue(in.DryRun) {
			return nil, errDryRun()
		}
		blob, err := s.encryptWith(k, in.Plaintext, in.EncryptionContext)
		if err != nil {
			return nil, fmt.Errorf("encrypt under %s: %w", k.arn, err)
		}
		return map[string]any{"CiphertextBlob": blob, "KeyId": k.arn, "EncryptionAlgorithm": specSymmetric}, nil
	})
}

// encryptRSA encrypts with the public key of an RSA key with OAEP. The ciphertext is
// the bare RSA ciphertext, as KMS returns it: it does not name its key, so Decrypt
// needs the KeyId. Callers hold s.mu.
func (s *Service) encryptRSA(k *key, in *encryptInput) (any, error) {
	alg := specSymmetric
	if in.EncryptionAlgorithm != nil {
		alg = *in.EncryptionAlgorithm
	}
	if err := algorithmFor(k, alg); err != nil {
		return nil, err
	}
	if isTrue(in.DryRun) {
		return nil, errDryRun()
	}
	signer, err := k.signer()
	if err != nil {
		return nil, err
	}
	pub, ok := signer.Public().(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("encrypt under %s: not an RSA key", k.arn)
	}
	blob, err := rsa.EncryptOAEP(oaepHash(alg), rand.Reader, pub, in.Plaintext, nil)
	if errors.Is(err, rsa.ErrMessageTooLong) {
		max := pub.Size() - 2*oaepHash(alg).Size() - 2
		return nil, api.BadRequest("ValidationException", "Plaintext is %d bytes: %s with %s encrypts at most %d bytes.", len(in.Plaintext), alg, k.spec, max)
	}
	if err != nil {
		return nil, fmt.Errorf("encrypt under %s: %w", k.arn, err)
	}
	return map[string]any{"CiphertextBlob": blob, "KeyId": k.arn, "EncryptionAlgorithm": alg}, nil
}
