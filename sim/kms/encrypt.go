package kms

import (
	"context"
	"fmt"

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
	return keyOp(ctx, s, body, keyAccess{action: "kms:Encrypt", alias: true, state: requireUsable}, func(in *encryptInput, k *key) (any, error) {
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
