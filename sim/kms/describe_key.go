package kms

import "context"

func (s *Service) describeKey(ctx context.Context, body []byte) (any, error) {
	return s.keyOp(ctx, body, "kms:DescribeKey", true, func(k *key) (any, error) {
		return map[string]any{"KeyMetadata": s.metadata(k)}, nil
	})
}
