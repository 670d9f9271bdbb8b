package kms

import "context"

func (s *Service) enableKey(ctx context.Context, body []byte) (any, error) {
	return s.keyOp(ctx, body, "kms:EnableKey", false, func(k *key) (any, error) {
		if err := requireNotPending(k); err != nil {
			return nil, err
		}
		k.state = StateEnabled
		return struct{}{}, nil
	})
}
