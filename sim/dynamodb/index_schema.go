package dynamodb

import (
	"fmt"
	"sort"
	"strings"

	"kmslab/sim/dynamodb/attr"
)

const msgInvalid = "One or more parameter values were invalid: "

// indexName checks an IndexName member: 3 to 255 characters of [a-zA-Z0-9_.-].
func (v *validation) indexName(field, name string) {
	if name == "" {
		v.add("Value null at '%s' failed to satisfy constraint: Member must not be null", field)
		return
	}
	if len(name) < 3 {
		v.add("Value '%s' at '%s' failed to satisfy constraint: Member must have length greater than or equal to 3", name, field)
	}
	if len(name) > 255 {
		v.add("Value '%s' at '%s' failed to satisfy constraint: Member must have length less than or equal to 255", name, field)
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.') {
			v.add("Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+", name, field)
			break
		}
	}
}

// indexShapes collects the model constraint violations of a list of index specifications
// (field is e.g. "globalSecondaryIndexes").
func (v *validation) indexShapes(field string, specs []indexSpec) {
	for i, ix := range specs {
		p := fmt.Sprintf("%s.%d.member", field, i+1)
		v.indexShape(p, ix)
	}
}

func (v *validation) indexShape(p string, ix indexSpec) {
	v.indexName(p+".indexName", ix.IndexName)
	if ix.KeySchema == nil {
		v.add("Value null at '%s.keySchema' failed to satisfy constraint: Member must not be null", p)
	} else if len(ix.KeySchema) > 2*maxKeyAttrs {
		v.add("Value '%v' at '%s.keySchema' failed to satisfy constraint: Member must have length less than or equal to %d", ix.KeySchema, p, 2*maxKeyAttrs)
	}
	for j, k := range ix.KeySchema {
		v.enum(fmt.Sprintf("%s.keySchema.%d.member.keyType", p, j+1), k.KeyType, "HASH", "RANGE")
	}
	if ix.Projection == nil {
		v.add("Value null at '%s.projection' failed to satisfy constraint: Member must not be null", p)
		return
	}
	v.enum(p+".projection.projectionType", ix.Projection.ProjectionType, "ALL", "KEYS_ONLY", "INCLUDE")
	if n := len(ix.Projection.NonKeyAttributes); ix.Projection.NonKeyAttributes != nil && n > maxNonKeyAttributes {
		v.add("Value '%v' at '%s.projection.nonKeyAttributes' failed to satisfy constraint: Member must have length less than or equal to %d", ix.Projection.NonKeyAttributes, p, maxNonKeyAttributes)
	} else if ix.Projection.NonKeyAttributes != nil && n == 0 {
		v.add("Value '[]' at '%s.projection.nonKeyAttributes' failed to satisfy constraint: Member must have length greater than or equal to 1", p)
	}
}

// indexKeyNames lists every key attribute the indexes name.
func indexKeyNames(specs ...[]indexSpec) []string {
	var names []string
	for _, list := range specs {
		for _, ix := range list {
			for _, k := range ix.KeySchema {
				names = append(names, k.AttributeName)
			}
		}
	}
	return names
}

// buildIndex checks one index specification against the table (hash and range key, the
// defined attribute types, billing mode) and returns the index.
func buildIndex(spec indexSpec, global bool, hash keyAttr, rng *keyAttr, types map[string]attr.Type, billing string) (*index, error) {
	ks := spec.KeySchema
	if len(ks) == 0 {
		return nil, validationErr(msgInvalid+"Index KeySchema is empty for index: %s", spec.IndexName)
	}
	if ks[0].KeyType != "HASH" {
		return nil, validationErr("Invalid KeySchema: The first KeySchemaElement is not a HASH key type")
	}
	if len(ks) == 2 && ks[1].KeyType != "RANGE" && !global {
		return nil, validationErr("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type")
	}
	ix := &index{name: spec.IndexName, global: global, projection: *spec.Projection, members: map[string]int{}}
	seen := map[string]bool{}
	for _, k := range ks {
		if seen[k.AttributeName] {
			return nil, validationErr("Invalid KeySchema: Some index key attribute have no definition")
		}
		seen[k.AttributeName] = true
		a := keyAttr{name: k.AttributeName, typ: types[k.AttributeName]}
		switch {
		case k.KeyType == "HASH" && len(ix.rangeKeys) > 0:
			// A multi-attribute key lists its partition key attributes, then its sort key ones.
			return nil, validationErr("Invalid KeySchema: The HASH key attributes must come before the RANGE key attributes for index: %s", ix.name)
		case k.KeyType == "HASH":
			ix.hashKeys = append(ix.hashKeys, a)
		default:
			ix.rangeKeys = append(ix.rangeKeys, a)
		}
	}
	// Global secondary indexes take up to four partition and four sort key attributes
	// (developerguide/GSI.html#GSI.MultiAttributeKeys); local ones one of each.
	if len(ix.hashKeys) > maxKeyAttrs || len(ix.rangeKeys) > maxKeyAttrs {
		return nil, validationErr(msgInvalid+"Index KeySchema for index: %s has %d partition key and %d sort key attributes; a global secondary index takes at most %d of each", ix.name, len(ix.hashKeys), len(ix.rangeKeys), maxKeyAttrs)
	}
	if !global && (len(ix.hashKeys) > 1 || len(ix.rangeKeys) > 1) {
		return nil, validationErr("Invalid KeySchema: a local secondary index has one partition key and one sort key attribute: multi-attribute keys are for global secondary indexes only")
	}
	if !global {
		if rng == nil {
			return nil, validationErr(msgInvalid + "Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex")
		}
		if ix.hashKeys[0].name != hash.name {
			return nil, validationErr(msgInvalid+"Index KeySchema does not have the same leading hash key as table KeySchema for index: %s. index hash key: %s, table hash key: %s", ix.name, ix.hashKeys[0].name, hash.name)
		}
		if len(ix.rangeKeys) == 0 {
			return nil, validationErr(msgInvalid+"Index KeySchema does not have a range key for index: %s", ix.name)
		}
	}
	p := ix.projection
	switch {
	case p.ProjectionType == "":
		return nil, validationErr(msgInvalid + "Unknown ProjectionType: null")
	case p.ProjectionType != "INCLUDE" && p.NonKeyAttributes != nil:
		return nil, validationErr(msgInvalid+"ProjectionType is %s, but NonKeyAttributes is specified", p.ProjectionType)
	}
	if global {
		pt := spec.ProvisionedThroughput
		switch {
		case billing == "PAY_PER_REQUEST" && pt != nil:
			return nil, validationErr(msgInvalid+"ProvisionedThroughput should not be specified for index: %s when BillingMode is PAY_PER_REQUEST", ix.name)
		case billing != "PAY_PER_REQUEST" && (pt == nil || pt.ReadCapacityUnits == nil || pt.WriteCapacityUnits == nil):
			return nil, validationErr(msgInvalid+"ProvisionedThroughput must be specified for index: %s", ix.name)
		case billing != "PAY_PER_REQUEST":
			ix.rcu, ix.wcu = *pt.ReadCapacityUnits, *pt.WriteCapacityUnits
			if ix.rcu < 1 || ix.wcu < 1 {
				return nil, validationErr(msgInvalid + "Provisioned throughput for readCapacityUnits and writeCapacityUnits must be at least 1")
			}
		}
	}
	return ix, nil
}

// buildIndexes checks a CreateTable's indexes together: each one, unique names, the
// per-table limits.
func buildIndexes(gsis, lsis []indexSpec, hash keyAttr, rng *keyAttr, types map[string]attr.Type, billing string) ([]*index, error) {
	if gsis != nil && len(gsis) == 0 {
		return nil, validationErr(msgInvalid + "List of GlobalSecondaryIndexes is empty")
	}
	if lsis != nil && len(lsis) == 0 {
		return nil, validationErr(msgInvalid + "List of LocalSecondaryIndexes is empty")
	}
	if len(gsis) > maxGSIs {
		return nil, validationErr(msgInvalid+"GlobalSecondaryIndex count exceeds the per-table limit of %d", maxGSIs)
	}
	if len(lsis) > maxLSIs {
		return nil, validationErr(msgInvalid+"Number of LocalSecondaryIndexes exceeds per-table limit of %d", maxLSIs)
	}
	var out []*index
	seen := map[string]bool{}
	projected := 0
	for i, list := range [][]indexSpec{gsis, lsis} {
		for _, spec := range list {
			if seen[spec.IndexName] {
				return nil, validationErr(msgInvalid+"Duplicate index name: %s", spec.IndexName)
			}
			seen[spec.IndexName] = true
			ix, err := buildIndex(spec, i == 0, hash, rng, types, billing)
			if err != nil {
				return nil, err
			}
			projected += len(ix.projection.NonKeyAttributes)
			out = append(out, ix)
		}
	}
	if projected > maxProjectedAttrs {
		return nil, validationErr(msgInvalid+"Number of projected attributes in all indexes exceeds limit of %d, number of projected attributes:%d", maxProjectedAttrs, projected)
	}
	return out, nil
}

// checkAttributeUse compares the attribute definitions with the key attributes of the
// table and its indexes, with DynamoDB's messages for an index-bearing table.
func checkAttributeUse(defs []attributeDefinition, keys []string) error {
	defined := map[string]bool{}
	var defNames []string
	for _, d := range defs {
		defined[d.AttributeName] = true
		defNames = append(defNames, d.AttributeName)
	}
	used := map[string]bool{}
	var missing, usedNames []string
	for _, k := range keys {
		if used[k] {
			continue
		}
		used[k] = true
		usedNames = append(usedNames, k)
		if !defined[k] {
			missing = append(missing, k)
		}
	}
	sort.Strings(defNames)
	sort.Strings(usedNames)
	sort.Strings(missing)
	if len(missing) > 0 {
		return validationErr(msgInvalid+"Some index key attributes are not defined in AttributeDefinitions. Keys: [%s], AttributeDefinitions: [%s]",
			strings.Join(missing, ", "), strings.Join(defNames, ", "))
	}
	if len(defNames) > len(usedNames) {
		return validationErr(msgInvalid+"Some AttributeDefinitions are not used. AttributeDefinitions: [%s], keys used: [%s]",
			strings.Join(defNames, ", "), strings.Join(usedNames, ", "))
	}
	return nil
}
