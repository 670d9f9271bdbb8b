package kms

import "context"

func (s *Service) disableKey(ctx context.Context, body []byte) (any, error) {
	return keyOp(ctx, s, body, keyAccess{action: "kms:DisableKey", state: requireNotPending}, func(_ *keyOnly, k *key) (any, error) {
		k.state = StateDisabled
		return struct{}{}, nil
	})
}
