package kms

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"kmslab/sim/api"
)

// maxOnDemandRotations is how many on-demand rotations KMS allows a key
// (API_RotateKeyOnDemand.html: "a maximum of 25 times per KMS key").
const maxOnDemandRotations = 25

// rotation is one completed rotation of a key's material: when, how, and the
// id of the material it brought in.
type rotation struct {
	MaterialID string
	Date       time.Time
	Type       string // ON_DEMAND or AUTOMATIC
}

// materials are every material the key has had, oldest first: a blob names
// its material by index into them.
func (k *key) materials() [][]byte {
	return append(append([][]byte{}, k.retired...), k.material)
}

// materialID is the 64-hex-digit id AWS gives each key material
// (BackingKeyIdType); ours is derived from the key id and the index so it
// says nothing about the material itself.
func materialID(k *key, index int) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "%s/%d", k.id, index))
	return hex.EncodeToString(sum[:])
}

// rotateKeyOnDemand gives a symmetric encryption key new material at once:
// new ciphertexts use it, older ones still decrypt with the material that
// sealed them (the key id, policy and grants do not change).
func (s *Service) rotateKeyOnDemand(ctx context.Context, body []byte) (any, error) {
	return keyOp(ctx, s, body, keyAccess{action: "kms:RotateKeyOnDemand", state: s.onDemandRotatable}, func(_ *keyOnly, k *key) (any, error) {
		onDemand := 0
		for _, r := range k.rotations {
			if r.Type == "ON_DEMAND" {
				onDemand++
			}
		}
		if onDemand >= maxOnDemandRotations {
			return nil, api.BadRequest("LimitExceededException", "The on-demand rotations limit has been reached for %s: a key can be rotated on demand at most %d times.", k.arn, maxOnDemandRotations)
		}
		k.rotations = append(k.rotations, rotation{MaterialID: materialID(k, len(k.retired)+1), Date: s.env.Now(), Type: "ON_DEMAND"})
		k.retired = append(k.retired, k.material)
		k.material = s.env.Bytes(32)
		return map[string]any{"KeyId": k.id}, nil
	})
}

// onDemandRotatable refuses on-demand rotation where KMS does: as automatic
// rotation (symmetric keys, not replicas), and never an AWS managed key,
// which AWS rotates every year itself.
func (s *Service) onDemandRotatable(k *key) error {
	if err := s.rotatable(k); err != nil {
		return err
	}
	if k.manager == ManagerAWS {
		return api.BadRequest("UnsupportedOperationException", "%s is an AWS managed key: AWS rotates it, it cannot be rotated on demand.", k.arn)
	}
	return nil
}
