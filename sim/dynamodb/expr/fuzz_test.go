package expr

import (
	"encoding/json"
	"errors"
	"testing"

	"kmslab/sim/dynamodb/attr"
)

// fuzzScope offers the placeholders the seeds use, with one value of each kind.
func fuzzScope(t testing.TB) *Scope {
	return NewScope(
		map[string]string{"#a": "a", "#b": "Price", "#pr": "ProductReviews", "#k": "pk", "#s": "sk"},
		values(t, `{":n":{"N":"1"},":s":{"S":"x"},":l":{"L":[{"S":"y"}]},":ss":{"SS":["Red","Blue"]},
			":ns":{"NS":["1","2"]},":b":{"B":"AQ=="},":m":{"M":{"k":{"N":"2"}}},":t":{"S":"SS"},":z":{"NULL":true}}`),
	)
}

func FuzzCondition(f *testing.F) {
	for _, s := range []string{
		"Price > :n", "attribute_exists(#pr.FiveStar) AND NOT contains(Color, :s)",
		"Price BETWEEN :n AND :n OR ProductCategory IN (:s, :s)", "size(Color) >= :n",
		"attribute_type(Color, :t)", "begins_with(Pictures.FrontView, :s)", "(((a = :n)))",
		"RelatedItems[1] <> :n", "not #a = :z",
	} {
		f.Add(s)
	}
	it := item(f, product)
	f.Fuzz(func(t *testing.T, src string) {
		c, err := ParseCondition(KindFilter, src, fuzzScope(t))
		if err != nil {
			var ve *attr.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("error is not a ValidationError: %v", err)
			}
			return
		}
		c.Eval(it)
		c.Eval(nil)
	})
}

func FuzzUpdate(f *testing.F) {
	for _, s := range []string{
		"SET Price = Price - :n", "SET #pr.FiveStar = list_append(#pr.FiveStar, :l)",
		"ADD Sizes :ns, Color :ss", "REMOVE RelatedItems[1], RelatedItems[2], Pictures.FrontView",
		"DELETE Color :ss", "SET a = if_not_exists(a, :n) + :n REMOVE Bin",
		"SET RelatedItems[10] = :m, x = :b", "SET a.b[2].c = :s",
	} {
		f.Add(s)
	}
	it := item(f, product)
	before, _ := json.Marshal(it)
	f.Fuzz(func(t *testing.T, src string) {
		u, err := ParseUpdate(src, fuzzScope(t))
		if err != nil {
			return
		}
		_ = u.CheckKeys("Id")
		out, err := u.Apply(it)
		if err == nil {
			if verr := out.Validate(); verr != nil {
				t.Fatalf("update produced an invalid item: %v", verr)
			}
		}
		if after, _ := json.Marshal(it); string(after) != string(before) {
			t.Fatal("Apply modified its input")
		}
		_, _ = u.Apply(nil) // a missing item must not panic either
	})
}

func FuzzProjection(f *testing.F) {
	for _, s := range []string{"Price, Color", "#pr.OneStar[0], RelatedItems[2]", "a.b.c[1][2]", "a, a.b"} {
		f.Add(s)
	}
	it := item(f, product)
	f.Fuzz(func(t *testing.T, src string) {
		p, err := ParseProjection(src, fuzzScope(t))
		if err != nil {
			return
		}
		out := p.Apply(it)
		if err := out.Validate(); err != nil {
			t.Fatalf("projection produced an invalid item: %v", err)
		}
		for name := range out {
			if _, ok := it[name]; !ok {
				t.Fatalf("projection invented attribute %q", name)
			}
		}
	})
}

func FuzzKeyCondition(f *testing.F) {
	for _, s := range []string{
		"#k = :s", "#k = :s AND #s BETWEEN :n AND :n", "pk = :s and begins_with(sk, :s)",
		"(pk = :s) AND (sk < :n)", "pk = :s OR sk = :n",
	} {
		f.Add(s)
	}
	schemas := []KeySchema{{Hash: "pk", Range: "sk"}, {Hash: "pk", HashType: attr.TypeS}, {Hash: "pk", Range: "sk", HashType: attr.TypeS, RangeType: attr.TypeN}}
	probe := []attr.Item{
		{"pk": attr.String("x"), "sk": attr.Int(1)},
		{"pk": attr.String("x"), "sk": attr.String("xyz")},
		{"pk": attr.Int(1)},
	}
	f.Fuzz(func(t *testing.T, src string) {
		for _, schema := range schemas {
			kc, err := ParseKeyCondition(src, fuzzScope(t), schema)
			if err != nil {
				continue
			}
			if kc.Hash != schema.Hash {
				t.Fatalf("parsed hash %q for schema %q", kc.Hash, schema.Hash)
			}
			for _, it := range probe {
				kc.Match(it)
			}
		}
	})
}
