package kms

import "context"

func (s *Service) enableKey(ctx context.Context, body []byte) (any, error) {
	return keyOp(ctx, s, body, keyAccess{action: "kms:EnableKey", state: requireNotPending}, func(_ *keyOnly, k *key) (any, error) {
		k.state = StateEnabled
		return struct{}{}, nil
	})
}
