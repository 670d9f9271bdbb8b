package kms

import (
	"context"
	"slices"

	"kmslab/sim/wire"
)

type revokeGrantInput struct {
	KeyId   *string
	GrantId *string
	DryRun  *bool
}

func (s *Service) revokeGrant(ctx context.Context, body []byte) (any, error) {
	var in revokeGrantInput
	if err := wire.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	var v validation
	v.str("keyId", in.KeyId, true, 1, 2048)
	v.str("grantId", in.GrantId, true, 1, 128)
	if err := v.err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k, err := s.resolve(*in.KeyId, false)
	if err != nil {
		return nil, err
	}
	if err := s.allow(ctx, direct(ctx), check{action: "kms:RevokeGrant", key: k}); err != nil {
		return nil, err
	}
	_, idx, err := findGrant(k, *in.GrantId)
	if err != nil {
		return nil, err
	}
	if isTrue(in.DryRun) {
		return nil, errDryRun()
	}
	k.grants = slices.Delete(k.grants, idx, idx+1)
	return struct{}{}, nil
}
