package kms

import (
	"context"

	"kmslab/sim/wire"
)

type enableKeyRotationInput struct {
	KeyId                *string
	RotationPeriodInDays *int32
}

// enableKeyRotation records the setting; no rotation ever happens offline
// (a lab run is shorter than the shortest period, 90 days).
func (s *Service) enableKeyRotation(ctx context.Context, body []byte) (any, error) {
	var in enableKeyRotationInput
	if err := wire.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	var v validation
	v.str("keyId", in.KeyId, true, 1, 2048)
	v.intRange("rotationPeriodInDays", in.RotationPeriodInDays, 90, 2560)
	if err := v.err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k, err := s.resolve(*in.KeyId, false)
	if err != nil {
		return nil, err
	}
	if err := s.allow(ctx, direct(ctx), check{action: "kms:EnableKeyRotation", key: k}); err != nil {
		return nil, err
	}
	if err := requireUsable(k); err != nil {
		return nil, err
	}
	k.rotation = true
	k.rotationDays = 365
	if in.RotationPeriodInDays != nil {
		k.rotationDays = *in.RotationPeriodInDays
	}
	k.rotationSince = s.env.Now()
	return struct{}{}, nil
}
