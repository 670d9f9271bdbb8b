package kms

import (
	"context"
	"time"

	"kmslab/sim/wire"
)

type scheduleKeyDeletionInput struct {
	KeyId               *string
	PendingWindowInDays *int32
}

// scheduleKeyDeletion starts the 7-30 day waiting period (default 30); the key
// is unusable meanwhile and gone, with its aliases, when the period ends.
func (s *Service) scheduleKeyDeletion(ctx context.Context, body []byte) (any, error) {
	var in scheduleKeyDeletionInput
	if err := wire.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	var v validation
	v.str("keyId", in.KeyId, true, 1, 2048)
	v.intRange("pendingWindowInDays", in.PendingWindowInDays, 7, 30)
	if err := v.err(); err != nil {
		return nil, err
	}
	days := int32(30)
	if in.PendingWindowInDays != nil {
		days = *in.PendingWindowInDays
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k, err := s.changeableKey(ctx, *in.KeyId, "kms:ScheduleKeyDeletion")
	if err != nil {
		return nil, err
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
}
