package kms

import "context"

type updateKeyDescriptionInput struct {
	KeyId       *string
	Description *string
}

func (in *updateKeyDescriptionInput) keyID() *string { return in.KeyId }

func (in *updateKeyDescriptionInput) validate() error {
	var v validation
	v.str("keyId", in.KeyId, true, 1, 2048)
	v.str("description", in.Description, true, 0, 8192)
	return v.err()
}

// updateKeyDescription replaces a customer managed key's description. Like
// the other key-management operations it names the key by id or ARN only.
func (s *Service) updateKeyDescription(ctx context.Context, body []byte) (any, error) {
	return keyOp(ctx, s, body, keyAccess{action: "kms:UpdateKeyDescription"}, func(in *updateKeyDescriptionInput, k *key) (any, error) {
		k.description = *in.Description
		return struct{}{}, nil
	})
}
