package kms

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"kmslab/sim/api"
	"kmslab/sim/wire"
)

// validateTags checks a Tags list as AWS's request validation does.
func validateTags(v *validation, tags []tag) {
	for i, t := range tags {
		v.str(fmt.Sprintf("tags.%d.member.tagKey", i+1), t.TagKey, true, 1, 128)
		v.str(fmt.Sprintf("tags.%d.member.tagValue", i+1), t.TagValue, true, 0, 256)
	}
}

// reservedTag refuses the aws: prefix, which only AWS may use.
func reservedTag(tags []tag) error {
	for _, t := range tags {
		if strings.HasPrefix(strings.ToLower(*t.TagKey), "aws:") {
			return api.BadRequest("TagException", "Tags beginning with aws: are reserved.")
		}
	}
	return nil
}

type tagResourceInput struct {
	KeyId *string
	Tags  []tag
}

func (s *Service) tagResource(ctx context.Context, body []byte) (any, error) {
	var in tagResourceInput
	if err := wire.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	var v validation
	v.str("keyId", in.KeyId, true, 1, 2048)
	if in.Tags == nil {
		v.add("Value null at 'tags' failed to satisfy constraint: Member must not be null")
	}
	validateTags(&v, in.Tags)
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := reservedTag(in.Tags); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k, err := s.changeableKey(ctx, *in.KeyId, "kms:TagResource")
	if err != nil {
		return nil, err
	}
	for _, t := range in.Tags {
		k.tags[*t.TagKey] = *t.TagValue
	}
	return struct{}{}, nil
}

type untagResourceInput struct {
	KeyId   *string
	TagKeys []string
}

func (s *Service) untagResource(ctx context.Context, body []byte) (any, error) {
	var in untagResourceInput
	if err := wire.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	var v validation
	v.str("keyId", in.KeyId, true, 1, 2048)
	if in.TagKeys == nil {
		v.add("Value null at 'tagKeys' failed to satisfy constraint: Member must not be null")
	}
	for i := range in.TagKeys {
		v.str(fmt.Sprintf("tagKeys.%d.member", i+1), &in.TagKeys[i], true, 1, 128)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k, err := s.changeableKey(ctx, *in.KeyId, "kms:UntagResource")
	if err != nil {
		return nil, err
	}
	for _, name := range in.TagKeys {
		delete(k.tags, name)
	}
	return struct{}{}, nil
}

type listResourceTagsInput struct {
	KeyId  *string
	Limit  *int32
	Marker *string
}

type tagOut struct {
	TagKey   string
	TagValue string
}

func (s *Service) listResourceTags(ctx context.Context, body []byte) (any, error) {
	var in listResourceTagsInput
	if err := wire.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	var v validation
	v.str("keyId", in.KeyId, true, 1, 2048)
	v.intRange("limit", in.Limit, 1, 1000)
	v.str("marker", in.Marker, false, 1, 1024)
	if err := v.err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k, err := s.resolve(*in.KeyId, false)
	if err != nil {
		return nil, err
	}
	if err := s.allow(ctx, direct(ctx), check{action: "kms:ListResourceTags", key: k}); err != nil {
		return nil, err
	}
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
}
