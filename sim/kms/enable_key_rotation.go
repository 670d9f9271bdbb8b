package kms

import "context"

type enableKeyRotationInput struct {
	KeyId                *string
	RotationPeriodInDays *int32
}

func (in *enableKeyRotationInput) keyID() *string { return in.KeyId }

func (in *enableKeyRotationInput) validate() error {
	var v validation
	v.str("keyId", in.KeyId, true, 1, 2048)
	v.intRange("rotationPeriodInDays", in.RotationPeriodInDays, 90, 2560)
	return v.err()
}

// enableKeyRotation records the setting; no rotation ever happens offline
// (a lab run is shorter than the shortest period, 90 days).
func (s *Service) enableKeyRotation(ctx context.Context, body []byte) (any, error) {
	return keyOp(ctx, s, body, keyAccess{action: "kms:EnableKeyRotation", state: s.rotatable}, func(in *enableKeyRotationInput, k *key) (any, error) {
		k.rotation = true
		k.rotationDays = 365
		if in.RotationPeriodInDays != nil {
			k.rotationDays = *in.RotationPeriodInDays
		}
		k.rotationSince = s.env.Now()
		return struct{}{}, nil
	})
}
