package kms

import (
	"context"
	"sort"
)

type listResourceTagsInput struct {
	KeyId  *string
	Limit  *int32
	Marker *string
}

func (in *listResourceTagsInput) keyID() *string { return in.KeyId }

func (in *listResourceTagsInput) validate() error {
	var v validation
	v.str("keyId", in.KeyId, true, 1, 2048)
	v.intRange("limit", in.Limit, 1, 1000)
	v.str("marker", in.Marker, false, 1, 1024)
	return v.err()
}

type tagOut struct {
	TagKey   string
	TagValue string
}

func (s *Service) listResourceTags(ctx context.Context, body []byte) (any, error) {
	return keyOp(ctx, s, body, keyAccess{action: "kms:ListResourceTags"}, func(in *listResourceTagsInput, k *key) (any, error) {
		names := make([]string, 0, len(k.tags))
		for n := range k.tags {
			names = append(names, n)
		}
		sort.Strings(names)
		start, end, next, err := page(len(names), in.Limit, in.Marker, 50)
		if err != nil {
			return nil, err
		}
		out := make([]tagOut, 0, end-start)
		for _, n := range names[start:end] {
			out = append(out, tagOut{TagKey: n, TagValue: k.tags[n]})
		}
		return listOut("Tags", out, next), nil
	})
}
