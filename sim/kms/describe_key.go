package kms

import (
	"context"
	"strings"

	"kmslab/sim/wire"
)

func (s *Service) describeKey(ctx context.Context, body []byte) (any, error) {
	var in keyOnly
	if err := wire.DecodeJSON(body, &in); err == nil && in.KeyId != nil {
		// A predefined AWS alias gets its AWS managed key on first
		// DescribeKey: that is how AWS services create them.
		if name, description, ok := s.predefined(*in.KeyId); ok {
			s.mu.Lock()
			s.purge()
			_, err := s.managedKey(name, strings.TrimPrefix(name, "alias/aws/"), description)
			s.mu.Unlock()
			if err != nil {
				return nil, err
			}
		}
	}
	return keyOp(ctx, s, body, keyAccess{action: "kms:DescribeKey", alias: true}, func(_ *describeKeyInput, k *key) (any, error) {
		return map[string]any{"KeyMetadata": s.metadata(k)}, nil
	})
}

// describeKeyInput is keyOnly with the grant tokens DescribeKey accepts.
type describeKeyInput struct {
	KeyId       *string
	GrantTokens []string
}

func (in *describeKeyInput) keyID() *string { return in.KeyId }

func (in *describeKeyInput) validate() error {
	var v validation
	v.str("keyId", in.KeyId, true, 1, 2048)
	validateCrypto(&v, in.GrantTokens, "", nil)
	return v.err()
}
