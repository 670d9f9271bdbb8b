package awsops_test

import (
	"context"
	"strings"
	"testing"

	"kmslab/awsops/ledger"
	"kmslab/sim"
)

// The next lab's run in the same session has names and a ledger of its own;
// it is handed this run's key while that key is enabled (and then points an
// alias of its own at it, without owning it), and makes its own once this
// run was cleaned up and the key is pending deletion.
func TestNextRunReusesAnEnabledKeyOnly(t *testing.T) {
	t.Parallel()
	e := startSim(t, sim.Options{})
	ctx := context.Background()
	first := e.newLab(t, nil)
	k1, err := first.CreateKey(ctx)
	if err != nil {
		t.Fatalf("create key: %v", err)
	}

	second, err := first.NextRun(ctx)
	if err != nil {
		t.Fatalf("next run: %v", err)
	}
	if got, want := second.Names().RunID, first.Names().RunID+"n"; got != want {
		t.Errorf("next run id %q, want %q", got, want)
	}
	if second.Names().Table == first.Names().Table || second.LedgerPath() == first.LedgerPath() {
		t.Errorf("the next run shares names or a ledger: %+v, %s", second.Names(), second.LedgerPath())
	}
	k2, err := second.CreateKey(ctx)
	if err != nil {
		t.Fatalf("create key in the next run: %v", err)
	}
	if k2.ID != k1.ID || k2.Alias != first.Names().Alias || second.Names().Alias != first.Names().Alias {
		t.Errorf("next run's key %s (%s), want the enabled key %s and its alias %s", k2.ID, k2.Alias, k1.ID, first.Names().Alias)
	}
	for _, r := range second.Ledger().Resources {
		if r.Kind == ledger.KindKey || r.Kind == ledger.KindAlias {
			t.Errorf("the next run's ledger owns the reused key or its alias: %+v", r)
		}
	}
	if _, err := second.Cleanup(ctx); err != nil {
		t.Fatalf("clean up the next run: %v", err)
	}
	if k, err := first.DescribeKey(ctx); err != nil || k.State != "Enabled" {
		t.Errorf("after the next run's cleanup the first run's key is %q (%v), want Enabled", k.State, err)
	}

	if _, err := first.Cleanup(ctx); err != nil {
		t.Fatalf("clean up the first run: %v", err)
	}
	third, err := first.NextRun(ctx)
	if err != nil {
		t.Fatalf("next run after cleanup: %v", err)
	}
	k3, err := third.CreateKey(ctx)
	if err != nil {
		t.Fatalf("create key after cleanup: %v", err)
	}
	if k3.ID == k1.ID || k3.State != "Enabled" || k3.Alias != third.Names().Alias || third.Names().Alias == first.Names().Alias {
		t.Errorf("after cleanup the next run got key %s (%s, %s), want a new enabled key under its own alias", k3.ID, k3.State, k3.Alias)
	}
	if !strings.HasSuffix(third.Names().RunID, "n") {
		t.Errorf("run id %q", third.Names().RunID)
	}
}
