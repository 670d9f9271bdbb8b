package iam

import (
	"context"
	"net/url"
	"sort"
	"strings"
)

// openList is the opening of the account-wide IAM list calls (ListUsers,
// ListGroups, ListRoles): read PathPrefix (default "/"), Marker and MaxItems,
// then authorize action on resource.
func (s *Service) openList(ctx context.Context, form url.Values, action, resource string) (prefix, marker string, maxItems int, err error) {
	v := newValidator(form)
	prefix = v.pathPrefix(rulePathPrefix)
	marker, _ = v.str("Marker", false, ruleMarker)
	maxItems = v.maxItems()
	if err := v.err(); err != nil {
		return "", "", 0, err
	}
	if err := s.require(ctx, action, resource, nil); err != nil {
		return "", "", 0, err
	}
	return prefix, marker, maxItems, nil
}

// pageByName sorts items by name, ignoring case, and cuts one page.
func pageByName[T any](items []T, name func(T) string, marker string, maxItems int) ([]T, bool, string, error) {
	key := func(x T) string { return strings.ToLower(name(x)) }
	sort.Slice(items, func(i, j int) bool { return key(items[i]) < key(items[j]) })
	return page(items, key, marker, maxItems)
}
