package kms

import "context"

func (s *Service) disableKeyRotation(ctx context.Context, body []byte) (any, error) {
	return keyOp(ctx, s, body, keyAccess{action: "kms:DisableKeyRotation", state: s.rotatable}, func(_ *keyOnly, k *key) (any, error) {
		k.rotation = false
		return struct{}{}, nil
	})
}
