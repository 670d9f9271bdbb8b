package kms

import (
	"context"

	"kmslab/sim/wire"
)

type updateKeyDescriptionInput struct {
	KeyId       *string
	Description *string
}

// updateKeyDescription replaces a customer managed key's description. Like
// the other key-management operations it names the key by id or ARN only.
func (s *Service) updateKeyDescription(ctx context.Context, body []byte) (any, error) {
	var in updateKeyDescriptionInput
	if err := wire.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	var v validation
	v.str("keyId", in.KeyId, true, 1, 2048)
	v.str("description", in.Description, true, 0, 8192)
	if err := v.err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k, err := s.resolve(*in.KeyId, false)
	if err != nil {
		return nil, err
	}
	if err := s.allow(ctx, direct(ctx), check{action: "kms:UpdateKeyDescription", key: k}); err != nil {
		return nil, err
	}
	k.description = *in.Description
	return struct{}{}, nil
}
