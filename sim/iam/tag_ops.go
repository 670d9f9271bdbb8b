package iam

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"kmslab/sim/api"
)

// taggable is one sort of entity the Tag/Untag/ListXTags operations address.
type taggable struct {
	param string // RoleName, PolicyArn
	rule  stringRule
	quota string // TagsPerRole, ...
	// tags returns the entity's tags for reading or changing; callers hold mu.
	tags     func(s *Service, ctx context.Context, action, id string) (*[]tag, error)
	resource func(s *Service, id string) string
}

var (
	roleTags = taggable{
		param: "RoleName", rule: ruleRoleName, quota: "TagsPerRole",
		tags: func(s *Service, _ context.Context, _, name string) (*[]tag, error) {
			r, err := s.lookupRole(name)
			if err != nil {
				return nil, err
			}
			return &r.Tags, nil
		},
		resource: (*Service).roleResource,
	}
	policyTags = taggable{
		param: "PolicyArn", rule: ruleARN, quota: "TagsPerPolicy",
		tags: func(s *Service, ctx context.Context, action, arn string) (*[]tag, error) {
			mp, err := s.findPolicy(arn)
			if err != nil {
				return nil, err
			}
			if action != "" && !mp.local {
				return nil, s.awsManagedDenied(ctx, action, arn)
			}
			return &mp.tags, nil
		},
		resource: func(_ *Service, arn string) string { return arn },
	}
)

// tagEntity adds tags, replacing the value of keys the entity already has (keys compare without case).
func (s *Service) tagEntity(ctx context.Context, form url.Values, k taggable, action string) (any, error) {
	v := newValidator(form)
	id, _ := v.str(k.param, true, k.rule)
	add := v.tags("Tags", true)
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := checkTagKeys(add); err != nil {
		return nil, err
	}
	if err := s.require(ctx, action, k.resource(s, id), nil); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tags, err := k.tags(s, ctx, action, id)
	if err != nil {
		return nil, err
	}
	merged := append([]tag(nil), (*tags)...)
	for _, t := range add {
		replaced := false
		for i := range merged {
			if strings.EqualFold(merged[i].Key, t.Key) {
				merged[i], replaced = t, true
				break
			}
		}
		if !replaced {
			merged = append(merged, t)
		}
	}
	if len(merged) > maxTagsPerUser {
		return nil, api.Errorf(http.StatusConflict, "LimitExceeded", "Cannot exceed quota for %s: %d", k.quota, maxTagsPerUser)
	}
	*tags = merged
	return nil, nil
}

// untagEntity removes the tags with the given keys (compared without case).
func (s *Service) untagEntity(ctx context.Context, form url.Values, k taggable, action string) (any, error) {
	v := newValidator(form)
	id, _ := v.str(k.param, true, k.rule)
	keys := v.list("TagKeys", true, maxTagsPerUser, ruleTagKey)
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := s.require(ctx, action, k.resource(s, id), nil); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tags, err := k.tags(s, ctx, action, id)
	if err != nil {
		return nil, err
	}
	kept := (*tags)[:0:0]
	for _, t := range *tags {
		if !containsFold(keys, t.Key) {
			kept = append(kept, t)
		}
	}
	*tags = kept
	return nil, nil
}

type listTagsResult struct {
	Tags        members[tagXML] `xml:"Tags"`
	IsTruncated bool            `xml:"IsTruncated"`
	Marker      string          `xml:"Marker,omitempty"`
}

// listEntityTags lists the entity's tags in the order they were added.
func (s *Service) listEntityTags(ctx context.Context, form url.Values, k taggable, action string) (any, error) {
	v := newValidator(form)
	id, _ := v.str(k.param, true, k.rule)
	marker, _ := v.str("Marker", false, ruleMarker)
	maxItems := v.maxItems()
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := s.require(ctx, action, k.resource(s, id), nil); err != nil {
		return nil, err
	}
	s.mu.RLock()
	tags, err := k.tags(s, ctx, "", id)
	var all []tagXML
	if err == nil {
		all = tagsXML(*tags)
	}
	s.mu.RUnlock()
	if err != nil {
		return nil, err
	}
	type indexed struct {
		i int
		t tagXML
	}
	items := make([]indexed, len(all))
	for i, t := range all {
		items[i] = indexed{i, t}
	}
	got, truncated, next, err := page(items, func(x indexed) string { return padIndex(x.i) }, marker, maxItems)
	if err != nil {
		return nil, err
	}
	out := listTagsResult{IsTruncated: truncated, Marker: next}
	out.Tags.Member = make([]tagXML, 0, len(got))
	for _, x := range got {
		out.Tags.Member = append(out.Tags.Member, x.t)
	}
	return out, nil
}
