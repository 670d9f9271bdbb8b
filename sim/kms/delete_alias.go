package kms

import "context"

func (s *Service) deleteAlias(ctx context.Context, body []byte) (any, error) {
	return s.aliasOp(body, false, func(name string, _ *key) error {
		a, err := s.aliasNamed(name)
		if err != nil {
			return err
		}
		if err := s.aliasAccess(ctx, "kms:DeleteAlias", name, s.keys[a.keyID]); err != nil {
			return err
		}
		s.removeAlias(a)
		return nil
	})
}
