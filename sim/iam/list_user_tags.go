package iam

import (
	"context"
	"net/url"
	"strconv"
)

type listUserTagsResult struct {
	Tags        members[tagXML] `xml:"Tags"`
	IsTruncated bool            `xml:"IsTruncated"`
	Marker      string          `xml:"Marker,omitempty"`
}

func (s *Service) listUserTags(ctx context.Context, form url.Values) (any, error) {
	v := newValidator(form)
	name, _ := v.str("UserName", true, ruleExistingUser)
	marker, _ := v.str("Marker", false, ruleMarker)
	maxItems := v.maxItems()
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := s.require(ctx, "iam:ListUserTags", s.userResource(name), nil); err != nil {
		return nil, err
	}

	s.mu.RLock()
	u, err := s.lookupUser(name)
	var tags []tagXML
	if err == nil {
		tags = tagsXML(u.Tags)
	}
	s.mu.RUnlock()
	if err != nil {
		return nil, err
	}
	// Tags keep their insertion order; the marker is the position, zero-padded so it sorts.
	type indexed struct {
		i int
		t tagXML
	}
	items := make([]indexed, len(tags))
	for i, t := range tags {
		items[i] = indexed{i, t}
	}
	got, truncated, next, err := page(items, func(x indexed) string { return padIndex(x.i) }, marker, maxItems)
	if err != nil {
		return nil, err
	}
	out := listUserTagsResult{IsTruncated: truncated, Marker: next}
	out.Tags.Member = make([]tagXML, 0, len(got))
	for _, x := range got {
		out.Tags.Member = append(out.Tags.Member, x.t)
	}
	return out, nil
}

func padIndex(i int) string {
	s := strconv.Itoa(i)
	for len(s) < 6 {
		s = "0" + s
	}
	return s
}
