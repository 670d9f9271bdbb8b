package kms

import (
	"context"
	"crypto/rsa"

	"kmslab/sim/api"
)

type decryptInput struct {
	CiphertextBlob      []byte
	EncryptionContext   map[string]string
	GrantTokens         []string
	KeyId               *string
	EncryptionAlgorithm *string
	DryRun              *bool
}

func (in *decryptInput) validate() error {
	var v validation
	v.blob("ciphertextBlob", in.CiphertextBlob, true, 1, 6144)
	v.str("keyId", in.KeyId, false, 1, 2048)
	validateCrypto(&v, in.GrantTokens, "encryptionAlgorithm", in.EncryptionAlgorithm)
	return v.err()
}

// decrypt needs no KeyId: the blob names its key. A KeyId naming another key
// is IncorrectKeyException, as on AWS.
func (s *Service) decrypt(ctx context.Context, body []byte) (any, error) {
	return locked(s, body, func(in *decryptInput) (any, error) {
		if in.KeyId != nil {
			if named, err := s.resolve(*in.KeyId, true); err == nil && named.asymmetric() {
				return s.decryptRSA(ctx, in)
			}
		}
		k, pt, err := s.decryptAs(ctx, api.RequestFrom(ctx), "kms:Decrypt", in.CiphertextBlob, in.EncryptionContext, in.KeyId, in.EncryptionAlgorithm, isTrue(in.DryRun), in.GrantTokens)
		if err != nil {
			return nil, err
		}
		return map[string]any{"KeyId": k.arn, "Plaintext": pt, "EncryptionAlgorithm": specSymmetric}, nil
	})
}

// decryptRSA decrypts an RSA OAEP ciphertext with the private key of the key KeyId
// names: an asymmetric ciphertext does not name its key. Callers hold s.mu.
func (s *Service) decryptRSA(ctx context.Context, in *decryptInput) (any, error) {
	k, err := s.openKey(ctx, api.RequestFrom(ctx), *in.KeyId, keyAccess{action: "kms:Decrypt", alias: true,
		state: requireUsage("Decrypt", usageEncrypt, false), encCtx: in.EncryptionContext, tokens: in.GrantTokens})
	if err != nil {
		return nil, err
	}
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
	priv, ok := signer.(*rsa.PrivateKey)
	if !ok {
		return nil, errInvalidCiphertext()
	}
	pt, err := rsa.DecryptOAEP(oaepHash(alg), nil, priv, in.CiphertextBlob, nil)
	if err != nil {
		return nil, errInvalidCiphertext()
	}
	return map[string]any{"KeyId": k.arn, "Plaintext": pt, "EncryptionAlgorithm": alg}, nil
}
