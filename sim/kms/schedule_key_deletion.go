package kms

import (
	"context"
	"time"
)

type scheduleKeyDeletionInput struct {
	KeyId               *string
	PendingWindowInDays *int32
}

func (in *scheduleKeyDeletionInput) keyID() *string { return in.KeyId }

func (in *scheduleKeyDeletionInput) validate() error {
	var v validation
	v.str("keyId", in.KeyId, true, 1, 2048)
	v.intRange("pendingWindowInDays", in.PendingWindowInDays, 7, 30)
	return v.err()
}

// scheduleKeyDeletion starts the 7-30 day waiting period (default 30); the key
// is unusable meanwhile and gone, with its aliases, when the period ends.
func (s *Service) scheduleKeyDeletion(ctx context.Context, body []byte) (any, error) {
	return keyOp(ctx, s, body, keyAccess{action: "kms:ScheduleKeyDeletion", state: requireNotPending}, func(in *scheduleKeyDeletionInput, k *key) (any, error) {
		days := int32(30)
		if in.PendingWindowInDays != nil {
			days = *in.PendingWindowInDays
		}
		k.state = StatePendingDeletion
		k.window = days
		k.deletion = s.env.Now().Add(time.Duration(days) * 24 * time.Hour)
		return map[string]any{
			"KeyId":               k.arn,
			"DeletionDate":        epoch(k.deletion),
			"KeyState":            k.state,
			"PendingWindowInDays": days,
		}, nil
	})
}
