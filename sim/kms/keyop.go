package kms

import (
	"context"

	"kmslab/sim/wire"
)

// keyOp serves the operations whose input is just a KeyId: decode, validate,
// find the key, authorize action on it, then run fn under the service lock.
func (s *Service) keyOp(ctx context.Context, body []byte, action string, allowAlias bool, fn func(k *key) (any, error)) (any, error) {
	var in keyOnly
	if err := wire.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	var v validation
	v.str("keyId", in.KeyId, true, 1, 2048)
	if err := v.err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k, err := s.resolve(*in.KeyId, allowAlias)
	if err != nil {
		return nil, err
	}
	if err := s.allow(ctx, direct(ctx), check{action: action, key: k}); err != nil {
		return nil, err
	}
	return fn(k)
}
