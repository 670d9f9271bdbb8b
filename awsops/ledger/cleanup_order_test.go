package ledger

import (
	"slices"
	"testing"
	"time"
)

// TestRemovalOrder checks that cleanup removes kinds in the reverse of the
// order the ledger recorded their creation, and falls back to the usual
// order when an item is known by its tags alone.
func TestRemovalOrder(t *testing.T) {
	t.Parallel()
	ledger := func(kinds ...string) *File {
		f := &File{now: time.Now}
		for _, k := range kinds {
			f.l.Resources = append(f.l.Resources, Entry{Kind: k, State: StateCreated})
		}
		return f
	}
	items := func(kinds ...string) []Leftover {
		var out []Leftover
		for _, k := range kinds {
			out = append(out, Leftover{Kind: k})
		}
		return out
	}
	parts := []string{KindKey, KindAlias, KindTable, KindUser, KindPolicy, KindAccessKey}
	for _, tt := range []struct {
		name   string
		ledger *File
		items  []Leftover
		want   []string
	}{
		{"the lab's parts", ledger(parts...), items(parts...),
			[]string{KindAccessKey, KindPolicy, KindUser, KindTable, KindAlias, KindKey}},
		{"an interrupted experiment", ledger(append(parts, KindManagedPolicy, KindGrant)...),
			items(KindGrant, KindManagedPolicy, KindKey, KindUser),
			[]string{KindGrant, KindManagedPolicy, KindUser, KindKey}},
		{"another lab: a grant before a table", ledger(KindKey, KindGrant, KindTable), items(KindKey, KindGrant, KindTable),
			[]string{KindTable, KindGrant, KindKey}},
		{"found by tags alone", ledger(KindKey), items(KindKey, KindUser, KindTable),
			[]string{KindUser, KindTable, KindKey}},
		{"no ledger", nil, items(KindKey, KindAlias, KindAccessKey),
			[]string{KindAccessKey, KindAlias, KindKey}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := removalOrder(tt.ledger, tt.items); !slices.Equal(got, tt.want) {
				t.Errorf("removalOrder = %v, want %v", got, tt.want)
			}
		})
	}
}
