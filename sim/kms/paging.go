package kms

import (
	"strconv"

	"kmslab/sim/api"
)

// page picks the slice [start, end) of n items for Limit and Marker. Markers
// are our own opaque offsets; anything else is InvalidMarkerException.
func page(n int, limit *int32, marker *string, def int) (start, end int, next string, err error) {
	if marker != nil {
		i, perr := strconv.Atoi(*marker)
		if perr != nil || i < 0 || i > n {
			return 0, 0, "", api.BadRequest("InvalidMarkerException", "Invalid marker")
		}
		start = i
	}
	l := def
	if limit != nil {
		l = int(*limit)
	}
	end = start + l
	if end >= n {
		return start, n, "", nil
	}
	return start, end, strconv.Itoa(end), nil
}

// listOut is a list response: the items under name, Truncated and NextMarker.
func listOut(name string, items any, next string) map[string]any {
	out := map[string]any{name: items, "Truncated": next != ""}
	if next != "" {
		out["NextMarker"] = next
	}
	return out
}
