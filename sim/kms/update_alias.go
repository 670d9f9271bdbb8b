package kms

import (
	"context"

	"kmslab/sim/wire"
)

// updateAlias points an alias at another key: the caller needs kms:UpdateAlias
// on the alias, the key it leaves and the key it joins.
func (s *Service) updateAlias(ctx context.Context, body []byte) (any, error) {
	var in aliasInput
	if err := wire.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	if err := in.validate(true); err != nil {
		return nil, err
	}
	name := *in.AliasName
	if err := checkAliasName(name); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k, err := s.targetKey(*in.TargetKeyId)
	if err != nil {
		return nil, err
	}
	a, ok := s.aliases[name]
	if !ok {
		return nil, errNotFound("Alias %s is not found.", s.aliasARN(name))
	}
	if err := s.aliasAccess(ctx, "kms:UpdateAlias", name, s.keys[a.keyID], k); err != nil {
		return nil, err
	}
	if err := requireNotPending(k); err != nil {
		return nil, err
	}
	a.keyID = k.id
	a.updated = s.env.Now()
	return struct{}{}, nil
}
