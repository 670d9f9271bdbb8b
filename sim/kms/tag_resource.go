package kms

import "context"

type tagResourceInput struct {
	KeyId *string
	Tags  []tag
}

func (in *tagResourceInput) keyID() *string { return in.KeyId }

func (in *tagResourceInput) validate() error {
	var v validation
	v.str("keyId", in.KeyId, true, 1, 2048)
	if in.Tags == nil {
		v.add("Value null at 'tags' failed to satisfy constraint: Member must not be null")
	}
	validateTags(&v, in.Tags)
	if err := v.err(); err != nil {
		return err
	}
	return reservedTag(in.Tags)
}

func (s *Service) tagResource(ctx context.Context, body []byte) (any, error) {
	return keyOp(ctx, s, body, keyAccess{action: "kms:TagResource", state: requireNotPending}, func(in *tagResourceInput, k *key) (any, error) {
		for _, t := range in.Tags {
			k.tags[*t.TagKey] = *t.TagValue
		}
		return struct{}{}, nil
	})
}
