package kms

import (
	"context"

	"kmslab/sim/api"
)

type updatePrimaryRegionInput struct {
	KeyId         *string
	PrimaryRegion *string
}

func (in *updatePrimaryRegionInput) keyID() *string { return in.KeyId }

func (in *updatePrimaryRegionInput) validate() error {
	var v validation
	v.str("keyId", in.KeyId, true, 1, 2048)
	v.str("primaryRegion", in.PrimaryRegion, true, 1, 32)
	if in.PrimaryRegion != nil && *in.PrimaryRegion != "" && !regionPattern().MatchString(*in.PrimaryRegion) {
		v.add("Value '%s' at 'primaryRegion' failed to satisfy constraint: Member must satisfy regular expression pattern: ^([a-z]+-){2,3}\\d+$", *in.PrimaryRegion)
	}
	return v.err()
}

// updatePrimaryRegion makes the replica in PrimaryRegion the primary key and the current
// primary a replica. It asks kms:UpdatePrimaryRegion of both keys' policies
// (API_UpdatePrimaryRegion.html). KMS does this asynchronously (both keys are Updating for
// a while); offline it happens at once.
func (s *Service) updatePrimaryRegion(ctx context.Context, body []byte) (any, error) {
	var in *updatePrimaryRegionInput
	var id string
	_, err := keyOp(ctx, s, body, keyAccess{action: "kms:UpdatePrimaryRegion", state: requireNotPending}, func(i *updatePrimaryRegionInput, k *key) (any, error) {
		if !k.multiRegion {
			return nil, api.BadRequest("UnsupportedOperationException", "%s is not a multi-Region key.", k.arn)
		}
		if primary, _ := s.registry.members(k.id); primary != s.env.Region {
			return nil, api.BadRequest("UnsupportedOperationException", "%s is not a multi-Region primary key: update the primary key in %s.", k.arn, primary)
		}
		in, id = i, k.id
		return nil, nil
	})
	if err != nil {
		return nil, err
	}
	target := *in.PrimaryRegion
	if target == s.env.Region {
		return struct{}{}, nil
	}
	if _, replicas := s.registry.members(id); !contains(replicas, target) || s.registry.peer == nil {
		return nil, errNotFound("Key '%s' does not exist", "arn:aws:kms:"+target+":"+s.env.AccountID+":key/"+id)
	}
	peer := s.registry.peer(target)
	peer.mu.Lock()
	_, err = peer.openKey(ctx, api.RequestFrom(ctx), id, keyAccess{action: "kms:UpdatePrimaryRegion", state: requireNotPending})
	peer.mu.Unlock()
	if err != nil {
		return nil, err
	}
	s.registry.setPrimary(id, target)
	return struct{}{}, nil
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}
