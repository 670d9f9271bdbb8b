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

// listUserTags lists the user's tags in insertion order; the marker is the
// position, zero-padded so it sorts.
func (s *Service) listUserTags(ctx context.Context, form url.Values) (any, error) {
	got, truncated, next, err := listOfUser(ctx, s, form, "iam:ListUserTags", func(u *user) []tagXML { return tagsXML(u.Tags) }, func(i int, _ tagXML) string { return padIndex(i) })
	if err != nil {
		return nil, err
	}
	return listUserTagsResult{Tags: list(got), IsTruncated: truncated, Marker: next}, nil
}

func padIndex(i int) string {
	s := strconv.Itoa(i)
	for len(s) < 6 {
		s = "0" + s
	}
	return s
}
