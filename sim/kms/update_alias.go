package kms

import "context"

// updateAlias points an alias at another key: the caller needs kms:UpdateAlias
// on the alias, the key it leaves and the key it joins.
func (s *Service) updateAlias(ctx context.Context, body []byte) (any, error) {
	return s.aliasOp(body, true, func(name string, k *key) error {
		a, err := s.aliasNamed(name)
		if err != nil {
			return err
		}
		if err := s.aliasAccess(ctx, "kms:UpdateAlias", name, s.keys[a.keyID], k); err != nil {
			return err
		}
		if err := requireNotPending(k); err != nil {
			return err
		}
		a.keyID = k.id
		a.updated = s.env.Now()
		return nil
	})
}
