package kms

import (
	"context"
)

type revokeGrantInput struct {
	KeyId   *string
	GrantId *string
	DryRun  *bool
}

func (in *revokeGrantInput) keyID() *string { return in.KeyId }

func (in *revokeGrantInput) validate() error {
	var v validation
	v.str("keyId", in.KeyId, true, 1, 2048)
	v.str("grantId", in.GrantId, true, 1, 128)
	return v.err()
}

func (s *Service) revokeGrant(ctx context.Context, body []byte) (any, error) {
	return keyOp(ctx, s, body, keyAccess{action: "kms:RevokeGrant"}, func(in *revokeGrantInput, k *key) (any, error) {
		_, idx, err := findGrant(k, *in.GrantId)
		if err != nil {
			return nil, err
		}
		if isTrue(in.DryRun) {
			return nil, errDryRun()
		}
		s.removeGrant(k, idx)
		return struct{}{}, nil
	})
}
