package kms

import "context"

func (s *Service) disableKeyRotation(ctx context.Context, body []byte) (any, error) {
	return s.keyOp(ctx, body, "kms:DisableKeyRotation", false, func(k *key) (any, error) {
		if err := requireUsable(k); err != nil {
			return nil, err
		}
		k.rotation = false
		return struct{}{}, nil
	})
}
