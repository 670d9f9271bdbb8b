package kms

import (
	"context"

	"kmslab/sim/api"
	"kmslab/sim/wire"
)

type decryptInput struct {
	CiphertextBlob      []byte
	EncryptionContext   map[string]string
	GrantTokens         []string
	KeyId               *string
	EncryptionAlgorithm *string
	DryRun              *bool
}

// decrypt needs no KeyId: the blob names its key. A KeyId naming another key
// is IncorrectKeyException, as on AWS.
func (s *Service) decrypt(ctx context.Context, body []byte) (any, error) {
	var in decryptInput
	if err := wire.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	var v validation
	v.blob("ciphertextBlob", in.CiphertextBlob, true, 1, 6144)
	v.str("keyId", in.KeyId, false, 1, 2048)
	validateCrypto(&v, in.GrantTokens, "encryptionAlgorithm", in.EncryptionAlgorithm)
	if err := v.err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k, pt, err := s.decryptAs(ctx, api.RequestFrom(ctx), "kms:Decrypt", in.CiphertextBlob, in.EncryptionContext, in.KeyId, in.EncryptionAlgorithm, isTrue(in.DryRun))
	if err != nil {
		return nil, err
	}
	return map[string]any{"KeyId": k.arn, "Plaintext": pt, "EncryptionAlgorithm": specSymmetric}, nil
}
