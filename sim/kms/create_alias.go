package kms

import (
	"context"

	"kmslab/sim/api"
	"kmslab/sim/wire"
)

type aliasInput struct {
	AliasName   *string
	TargetKeyId *string
}

func (in *aliasInput) validate(target bool) error {
	var v validation
	v.str("aliasName", in.AliasName, true, 1, 256)
	v.pattern("aliasName", in.AliasName, aliasChar, "^[a-zA-Z0-9:/_-]+$")
	if target {
		v.str("targetKeyId", in.TargetKeyId, true, 1, 2048)
	}
	return v.err()
}

func (s *Service) createAlias(ctx context.Context, body []byte) (any, error) {
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
	if err := s.aliasAccess(ctx, "kms:CreateAlias", name, k); err != nil {
		return nil, err
	}
	if err := requireNotPending(k); err != nil {
		return nil, err
	}
	if _, ok := s.aliases[name]; ok {
		return nil, api.BadRequest("AlreadyExistsException", "An alias with the name %s already exists", s.aliasARN(name))
	}
	now := s.env.Now()
	s.aliases[name] = &alias{name: name, keyID: k.id, created: now, updated: now}
	return struct{}{}, nil
}
