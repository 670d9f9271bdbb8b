package expr

import (
	"errors"
	"testing"

	"kmslab/sim/dynamodb/attr"
)

// FuzzMultiKeyCondition parses arbitrary key conditions against a multi-attribute key
// (partition a, pk; sort sk, Price): nothing may panic, every refusal is a ValidationError,
// and an accepted condition names every partition key attribute and a gapless run of sort
// key attributes.
func FuzzMultiKeyCondition(f *testing.F) {
	for _, s := range []string{
		"a = :s AND #k = :n", "#k = :n AND a = :s AND #s = :s AND Price BETWEEN :n AND :n",
		"a = :s AND #k = :n AND begins_with(#s, :s)", "a = :s AND #k = :n AND Price > :n",
		"a = :s OR #k = :n", "a = :s AND #k = :n AND #s > :s AND Price = :n",
	} {
		f.Add(s)
	}
	schema := MultiKeySchema{
		Hash:  []KeyAttr{{Name: "a", Type: attr.TypeS}, {Name: "pk", Type: attr.TypeN}},
		Range: []KeyAttr{{Name: "sk", Type: attr.TypeS}, {Name: "Price", Type: attr.TypeInvalid}},
	}
	f.Fuzz(func(t *testing.T, src string) {
		kc, err := ParseMultiKeyCondition(src, fuzzScope(t), schema)
		if err != nil {
			var ve *attr.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("error is not a ValidationError: %v", err)
			}
			return
		}
		if len(kc.HashValues) != len(schema.Hash) || len(kc.Sort) > len(schema.Range) {
			t.Fatalf("%q: %d partition and %d sort conditions", src, len(kc.HashValues), len(kc.Sort))
		}
		for i, s := range kc.Sort {
			if s.Range != schema.Range[i].Name || (i < len(kc.Sort)-1 && s.Op != SortEQ) {
				t.Fatalf("%q: sort condition %d is %s %s", src, i, s.Range, s.Op)
			}
		}
		kc.MatchSort(attr.Item{"sk": {Type: attr.TypeS, S: "x"}})
	})
}
