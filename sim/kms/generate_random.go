package kms

import (
	"context"

	"kmslab/sim/api"
)

type generateRandomInput struct {
	NumberOfBytes    *int32
	CustomKeyStoreId *string
	Recipient        map[string]any
}

func (in *generateRandomInput) validate() error {
	var v validation
	if in.NumberOfBytes == nil {
		v.add("Value null at 'numberOfBytes' failed to satisfy constraint: Member must not be null")
	}
	v.intRange("numberOfBytes", in.NumberOfBytes, 1, 1024)
	v.str("customKeyStoreId", in.CustomKeyStoreId, false, 1, 64)
	return v.err()
}

// generateRandom returns random bytes; it involves no key, so IAM alone
// authorizes it (resource "*").
func (s *Service) generateRandom(ctx context.Context, body []byte) (any, error) {
	in, err := decode[generateRandomInput](body)
	if err != nil {
		return nil, err
	}
	if err := s.requireIAM(ctx, "kms:GenerateRandom", "*"); err != nil {
		return nil, err
	}
	if in.CustomKeyStoreId != nil {
		return nil, api.BadRequest("CustomKeyStoreNotFoundException", "Custom key store %s does not exist.", *in.CustomKeyStoreId)
	}
	if in.Recipient != nil {
		return nil, api.BadRequest("UnsupportedOperationException", "Recipient (Nitro Enclaves attestation) is not supported by this offline KMS.")
	}
	return map[string]any{"Plaintext": s.env.Bytes(int(*in.NumberOfBytes))}, nil
}
