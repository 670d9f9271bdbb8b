package dynamodb

import (
	"sort"

	"kmslab/sim/dynamodb/attr"
)

// Batch limits of DynamoDB.
const (
	maxBatchWrite = 25
	maxBatchGet   = 100
)

const msgDuplicateKeys = "Provided list of item keys contains duplicates"

// sortedTables returns the request's table names in order, so that errors and work do not
// depend on map iteration.
func sortedTables[V any](m map[string]V) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// keyID identifies a key within one request, to find duplicates.
func keyID(h attr.Value, r *attr.Value) string {
	id := string(attr.KeyBytes(h))
	if r != nil {
		id += "\x00" + string(attr.KeyBytes(*r))
	}
	return id
}

type itemKey struct {
	h attr.Value
	r *attr.Value
}
