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

// keySet finds a key repeated within one table's requests of a batch.
type keySet map[string]bool

// add records a key; one seen before is DynamoDB's duplicates error.
func (ks keySet) add(h attr.Value, r *attr.Value) error {
	id := string(attr.KeyBytes(h))
	if r != nil {
		id += "\x00" + string(attr.KeyBytes(*r))
	}
	if ks[id] {
		return validationErr(msgDuplicateKeys)
	}
	ks[id] = true
	return nil
}

// checkBatch validates a batch request before any table is looked up, as AWS reports it:
// RequestItems is present and not empty, each table name is valid, each table's requests
// pass perTable (which returns how many there are), and the batch holds at most max.
func checkBatch[R any](op string, max int, items map[string]R, c capacityInput, perTable func(v *validation, name string, reqs R) int) error {
	var v validation
	if items == nil {
		v.add("Value null at 'requestItems' failed to satisfy constraint: Member must not be null")
	} else if len(items) == 0 {
		v.add("Value '{}' at 'requestItems' failed to satisfy constraint: Member must have length greater than or equal to 1")
	}
	total := 0
	for _, name := range sortedTables(items) {
		v.tableName("requestItems", name)
		total += perTable(&v, name, items[name])
	}
	c.check(&v)
	if err := v.err(); err != nil {
		return err
	}
	if total > max {
		return validationErr("Too many items requested for the %s call", op)
	}
	return nil
}

type itemKey struct {
	h attr.Value
	r *attr.Value
}
