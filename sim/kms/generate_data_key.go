package kms

import (
	"context"

	"kmslab/sim/wire"
)

type generateDataKeyInput struct {
	KeyId             *string
	EncryptionContext map[string]string
	NumberOfBytes     *int32
	KeySpec           *string
	GrantTokens       []string
	DryRun            *bool
}

// decodeDataKey decodes and validates GenerateDataKey[WithoutPlaintext] input.
func decodeDataKey(body []byte) (generateDataKeyInput, int, error) {
	var in generateDataKeyInput
	if err := wire.DecodeJSON(body, &in); err != nil {
		return in, 0, err
	}
	var v validation
	v.str("keyId", in.KeyId, true, 1, 2048)
	v.intRange("numberOfBytes", in.NumberOfBytes, 1, 1024)
	v.enum("keySpec", in.KeySpec, dataKeySpecs...)
	validateCrypto(&v, in.GrantTokens, "", nil)
	if err := v.err(); err != nil {
		return in, 0, err
	}
	n, err := dataKeySize(in.KeySpec, in.NumberOfBytes)
	return in, n, err
}

func (s *Service) generateDataKey(ctx context.Context, body []byte) (any, error) {
	in, n, err := decodeDataKey(body)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k, err := s.resolve(*in.KeyId, true)
	if err != nil {
		return nil, err
	}
	pt, blob, err := s.dataKeyAs(ctx, direct(ctx), "kms:GenerateDataKey", k, n, in.EncryptionContext, isTrue(in.DryRun))
	if err != nil {
		return nil, err
	}
	return map[string]any{"CiphertextBlob": blob, "Plaintext": pt, "KeyId": k.arn}, nil
}
