package kms

import "context"

func (s *Service) disableKey(ctx context.Context, body []byte) (any, error) {
	return s.keyOp(ctx, body, "kms:DisableKey", false, func(k *key) (any, error) {
		if err := requireNotPending(k); err != nil {
			return nil, err
		}
		k.state = StateDisabled
		return struct{}{}, nil
	})
}
