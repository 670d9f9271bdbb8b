package kms

import (
	"context"

	"kmslab/sim/wire"
)

func (s *Service) deleteAlias(ctx context.Context, body []byte) (any, error) {
	var in aliasInput
	if err := wire.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	if err := in.validate(false); err != nil {
		return nil, err
	}
	name := *in.AliasName
	if err := checkAliasName(name); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.purge()
	a, ok := s.aliases[name]
	if !ok {
		return nil, errNotFound("Alias %s is not found.", s.aliasARN(name))
	}
	k := s.keys[a.keyID]
	if err := s.aliasAccess(ctx, "kms:DeleteAlias", name, k); err != nil {
		return nil, err
	}
	delete(s.aliases, name)
	return struct{}{}, nil
}
