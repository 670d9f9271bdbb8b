package kms

import (
	"context"

	"kmslab/sim/api"
)

func (s *Service) createAlias(ctx context.Context, body []byte) (any, error) {
	return s.aliasOp(body, true, func(name string, k *key) error {
		if err := s.aliasAccess(ctx, "kms:CreateAlias", name, k); err != nil {
			return err
		}
		if err := requireNotPending(k); err != nil {
			return err
		}
		if _, ok := s.aliases[name]; ok {
			return api.BadRequest("AlreadyExistsException", "An alias with the name %s already exists", s.aliasARN(name))
		}
		now := s.env.Now()
		s.aliases[name] = &alias{name: name, keyID: k.id, created: now, updated: now}
		return nil
	})
}
