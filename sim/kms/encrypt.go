package kms

import (
	"context"

	"kmslab/sim/wire"
)

type encryptInput struct {
	KeyId               *string
	Plaintext           []byte
	EncryptionContext   map[string]string
	GrantTokens         []string
	EncryptionAlgorithm *string
	DryRun              *bool
}

func (s *Service) encrypt(ctx context.Context, body []byte) (any, error) {
	var in encryptInput
	if err := wire.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	var v validation
	v.str("keyId", in.KeyId, true, 1, 2048)
	v.blob("plaintext", in.Plaintext, true, 1, 4096)
	validateCrypto(&v, in.GrantTokens, "encryptionAlgorithm", in.EncryptionAlgorithm)
	if err := v.err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k, err := s.resolve(*in.KeyId, true)
	if err != nil {
		return nil, err
	}
	blob, err := s.encryptAs(ctx, direct(ctx), k, in.Plaintext, in.EncryptionContext, in.EncryptionAlgorithm, isTrue(in.DryRun))
	if err != nil {
		return nil, err
	}
	return map[string]any{"CiphertextBlob": blob, "KeyId": k.arn, "EncryptionAlgorithm": specSymmetric}, nil
}
