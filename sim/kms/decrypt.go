package kms

import (
	"context"

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
		k, pt, err := s.decryptAs(ctx, api.RequestFrom(ctx), "kms:Decrypt", in.CiphertextBlob, in.EncryptionContext, in.KeyId, in.EncryptionAlgorithm, isTrue(in.DryRun))
		if err != nil {
			return nil, err
		}
		return map[string]any{"KeyId": k.arn, "Plaintext": pt, "EncryptionAlgorithm": specSymmetric}, nil
	})
}
