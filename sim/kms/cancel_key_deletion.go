package kms

import (
	"context"
	"time"

	"kmslab/sim/api"
)

// cancelKeyDeletion leaves the key Disabled, as AWS does: the owner re-enables it deliberately.
func (s *Service) cancelKeyDeletion(ctx context.Context, body []byte) (any, error) {
	return keyOp(ctx, s, body, keyAccess{action: "kms:CancelKeyDeletion"}, func(_ *keyOnly, k *key) (any, error) {
		if k.state != StatePendingDeletion {
			return nil, api.BadRequest("KMSInvalidStateException", "%s is not pending deletion.", k.arn)
		}
		k.state = StateDisabled
		k.deletion = time.Time{}
		k.window = 0
		return map[string]any{"KeyId": k.arn}, nil
	})
}
