package iam

import (
	"encoding/base64"
	"net/url"
	"strings"

	"kmslab/sim/api"
)

// members is an awsQuery list: <Name><member>...</member></Name>, written even
// when empty, as IAM does for required lists.
type members[T any] struct {
	Member []T `xml:"member"`
}

func list[T any](items []T) members[T] { return members[T]{Member: items} }

type userXML struct {
	Path       string `xml:"Path"`
	UserName   string `xml:"UserName"`
	UserID     string `xml:"UserId"`
	Arn        string `xml:"Arn"`
	CreateDate string `xml:"CreateDate"`
	// PermissionsBoundary and Tags are in CreateUser's and GetUser's answers only.
	PermissionsBoundary *boundaryXML     `xml:"PermissionsBoundary,omitempty"`
	Tags                *members[tagXML] `xml:"Tags,omitempty"`
}

func (u *user) xml(withTags bool) userXML {
	out := userXML{Path: u.Path, UserName: u.Name, UserID: u.ID, Arn: u.ARN, CreateDate: timestamp(u.Created)}
	if withTags {
		out.PermissionsBoundary = boundaryOf(u.Boundary)
	}
	if withTags && len(u.Tags) > 0 {
		t := list(tagsXML(u.Tags))
		out.Tags = &t
	}
	return out
}

type tagXML struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

func tagsXML(tags []tag) []tagXML {
	out := make([]tagXML, 0, len(tags))
	for _, t := range tags {
		out = append(out, tagXML(t))
	}
	return out
}

// page cuts items at marker (the opaque position a previous page returned) and
// maxItems, returning the page, whether more remain, and the next marker.
func page[T any](items []T, key func(T) string, marker string, maxItems int) ([]T, bool, string, error) {
	start := 0
	if marker != "" {
		raw, err := base64.RawURLEncoding.DecodeString(marker)
		if err != nil {
			return nil, false, "", api.BadRequest("InvalidInput", "Invalid Marker.")
		}
		start = resume(items, key, string(raw))
	}
	end := start + maxItems
	if end >= len(items) {
		return items[start:], false, "", nil
	}
	return items[start:end], true, base64.RawURLEncoding.EncodeToString([]byte(key(items[end]))), nil
}

// encodeDocument percent-encodes a policy document as IAM returns it
// (RFC 3986, spaces as %20); callers decode it with url.QueryUnescape.
func encodeDocument(doc string) string {
	return strings.ReplaceAll(url.QueryEscape(doc), "+", "%20")
}

// resume finds where a page starting at key from begins: at that item, or, if
// it was deleted meanwhile, at the first item after it (lists are sorted by key).
func resume[T any](items []T, key func(T) string, from string) int {
	for i, it := range items {
		if key(it) == from {
			return i
		}
	}
	for i, it := range items {
		if key(it) > from {
			return i
		}
	}
	return len(items)
}
