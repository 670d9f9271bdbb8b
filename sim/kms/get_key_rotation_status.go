package kms

import (
	"context"
	"time"
)

func (s *Service) getKeyRotationStatus(ctx context.Context, body []byte) (any, error) {
	return keyOp(ctx, s, body, keyAccess{action: "kms:GetKeyRotationStatus"}, func(_ *keyOnly, k *key) (any, error) {
		out := map[string]any{"KeyId": k.arn, "KeyRotationEnabled": k.rotation}
		if k.rotation {
			days := k.rotationDays
			if days == 0 {
				days = 365
			}
			since := k.rotationSince
			if since.IsZero() {
				since = k.created
			}
			out["RotationPeriodInDays"] = days
			out["NextRotationDate"] = epoch(since.Add(time.Duration(days) * 24 * time.Hour))
		}
		return out, nil
	})
}
