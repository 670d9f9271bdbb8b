package dynamodb

import (
	"maps"
	"slices"
	"testing"
)

// TestPartitions drives a partition from one item to several and back, since
// the store keeps a lone item inline and only a crowded partition in a map.
func TestPartitions(t *testing.T) {
	ps := newPartitions()
	st := func(h string, size int) *stored { return &stored{hash: h, size: size} }
	steps := []struct {
		name    string
		do      func() *stored // returns what put or remove gave back
		wantOld int            // size of the returned item, -1 for nil
		want    map[string][]string
	}{
		{"first item makes a partition", func() *stored { return ps.put("p2", st("a", 1)) }, -1, map[string][]string{"p2": {"a"}}},
		{"same hash replaces inline", func() *stored { return ps.put("p2", st("a", 2)) }, 1, map[string][]string{"p2": {"a"}}},
		{"second hash spills to a map", func() *stored { return ps.put("p2", st("b", 3)) }, -1, map[string][]string{"p2": {"a", "b"}}},
		{"replace inside the map", func() *stored { return ps.put("p2", st("b", 4)) }, 3, map[string][]string{"p2": {"a", "b"}}},
		{"another partition sorts first", func() *stored { return ps.put("p1", st("c", 5)) }, -1, map[string][]string{"p1": {"c"}, "p2": {"a", "b"}}},
		{"removing a missing hash is nothing", func() *stored { return ps.remove("p2", "z") }, -1, map[string][]string{"p1": {"c"}, "p2": {"a", "b"}}},
		{"removing from a missing partition is nothing", func() *stored { return ps.remove("p9", "a") }, -1, map[string][]string{"p1": {"c"}, "p2": {"a", "b"}}},
		{"back to one item", func() *stored { return ps.remove("p2", "a") }, 2, map[string][]string{"p1": {"c"}, "p2": {"b"}}},
		{"last item removes the partition", func() *stored { return ps.remove("p2", "b") }, 4, map[string][]string{"p1": {"c"}}},
		{"the lone item goes too", func() *stored { return ps.remove("p1", "c") }, 5, map[string][]string{}},
	}
	for _, s := range steps {
		old := s.do()
		if got := -1; old != nil {
			got = old.size
			if got != s.wantOld {
				t.Fatalf("%s: returned item of size %d, want %d", s.name, got, s.wantOld)
			}
		} else if s.wantOld != -1 {
			t.Fatalf("%s: returned nil, want the item of size %d", s.name, s.wantOld)
		}
		got := map[string][]string{}
		var order []string
		err := ps.each(func(ph string, st *stored) error {
			if len(order) == 0 || order[len(order)-1] != ph {
				order = append(order, ph)
			}
			got[ph] = append(got[ph], st.hash)
			if ps.lookup(ph, st.hash) != st {
				t.Errorf("%s: lookup(%s, %s) does not find the item each gave", s.name, ph, st.hash)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for ph := range got {
			slices.Sort(got[ph])
		}
		if !maps.EqualFunc(got, s.want, slices.Equal) {
			t.Fatalf("%s: store holds %v, want %v", s.name, got, s.want)
		}
		if !slices.IsSorted(order) {
			t.Fatalf("%s: partitions visited in order %v, want hash order", s.name, order)
		}
		if len(ps.byHash) != ps.order.Len() {
			t.Fatalf("%s: %d partitions but %d in the order", s.name, len(ps.byHash), ps.order.Len())
		}
	}
}
