package kms

import (
	"context"
	"fmt"
)

type untagResourceInput struct {
	KeyId   *string
	TagKeys []string
}

func (in *untagResourceInput) keyID() *string { return in.KeyId }

func (in *untagResourceInput) validate() error {
	var v validation
	v.str("keyId", in.KeyId, true, 1, 2048)
	if in.TagKeys == nil {
		v.add("Value null at 'tagKeys' failed to satisfy constraint: Member must not be null")
	}
	for i := range in.TagKeys {
		v.str(fmt.Sprintf("tagKeys.%d.member", i+1), &in.TagKeys[i], true, 1, 128)
	}
	return v.err()
}

func (s *Service) untagResource(ctx context.Context, body []byte) (any, error) {
	return keyOp(ctx, s, body, keyAccess{action: "kms:UntagResource", state: requireNotPending}, func(in *untagResourceInput, k *key) (any, error) {
		for _, name := range in.TagKeys {
			delete(k.tags, name)
		}
		return struct{}{}, nil
	})
}
