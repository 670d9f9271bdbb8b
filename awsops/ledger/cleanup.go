package ledger

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"kmslab/awsops/awserr"
	"kmslab/awsops/partition"
)

// Outcomes of cleanup, as Fate.Outcome reports them.
const (
	OutcomeDeleted          = "deleted"
	OutcomeGone             = "already gone"
	OutcomeScheduled        = "scheduled for deletion in 7 days"
	OutcomeAlreadyScheduled = "already scheduled for deletion"
)

// keyDeletionDays is the shortest waiting period AWS allows before a KMS key
// is destroyed; until then the key can still be recovered (and is billed).
const keyDeletionDays = 7

// Err summarises a report's failures as one error.
func (r CleanupReport) Err() error {
	var errs []error
	for _, f := range r.Resources {
		if f.Err != nil {
			errs = append(errs, fmt.Errorf("%s %s: %w", f.Kind, f.Name, f.Err))
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return &awserr.Error{Op: "clean up", Message: fmt.Sprintf("%d resource(s) could not be removed", len(errs)),
		Hint: "Fix the cause shown for each and run `kmslab cleanup` again", Err: errors.Join(errs...)}
}

// Leftovers lists the resources the ledger still holds.
func (l Ledger) Leftovers() []Leftover {
	var out []Leftover
	for _, e := range l.Pending() {
		lo := Leftover{RunID: l.RunID, Kind: e.Kind, Name: e.Name, User: e.User, ARN: e.ARN, Source: "ledger"}
		if lo.Kind == KindManagedPolicy && lo.ARN == "" && l.Account != "" {
			// Recorded before CreatePolicy answered: its ARN follows from its name.
			lo.ARN = "arn:" + partition.OfRegion(l.Region) + ":iam::" + l.Account + ":policy/" + lo.Name
		}
		if e.State == StatePlanned {
			lo.Detail = "recorded before creation; it may not exist"
		}
		out = append(out, lo)
	}
	return out
}

// Cleaner removes one run's resources with the admin's clients, riding
// out eventual consistency through the lab's waits.
type Cleaner struct {
	KMS *kms.Client
	DDB *dynamodb.Client
	IAM *iam.Client
	// Wait calls try until it reports done, fails, or the wait's bound
	// passes; Retry calls f until it succeeds or fails with an error that
	// transient says will pass. Step and what say what is waited for.
	Wait  func(ctx context.Context, step, what string, try func(context.Context) (bool, error)) error
	Retry func(ctx context.Context, step, what string, transient func(error) bool, f func(context.Context) error) error
	// Progress, when set, hears each fate as it is decided.
	Progress func(Fate)
}

// Clean removes the given resources of one run, in dependency order, marking
// each kind deleted in the ledger once it is gone. Names outside the run's
// own are refused, whatever the ledger says.
func (c *Cleaner) Clean(ctx context.Context, runID string, items []Leftover, ledger *File) CleanupReport {
	names := NewNames(runID)
	has := map[string][]Leftover{}
	for _, it := range items {
		has[it.Kind] = append(has[it.Kind], it)
	}
	var report CleanupReport
	record := func(f Fate) {
		if f.Err != nil && f.Outcome == "" {
			f.Outcome = "failed: " + f.Err.Error()
		}
		report.Resources = append(report.Resources, f)
		if c.Progress != nil {
			c.Progress(f)
		}
	}
	// Finish a kind: record its fates and, if none failed, mark it deleted.
	finish := func(kind string, fates []Fate) {
		ok := true
		for _, f := range fates {
			record(f)
			ok = ok && f.Err == nil
		}
		if ok && ledger != nil {
			if err := ledger.Deleted(kind); err != nil {
				record(Fate{Kind: kind, Name: "(ledger)", Err: err})
			}
		}
	}

	userDone := false
	for _, kind := range removalOrder(ledger, items) {
		switch kind {
		case KindAccessKey, KindPolicy, KindInlinePolicy, KindUser:
			// A user goes with its access keys, attachments and inline
			// policies, in that order, whichever of them the run recorded.
			if !userDone {
				userDone = true
				c.removeUser(ctx, runID, names, has, record, finish)
			}
		case KindManagedPolicy:
			var fates []Fate
			for _, it := range has[KindManagedPolicy] {
				if !strings.HasPrefix(it.Name, names.Prefix) {
					fates = append(fates, Fate{Kind: KindManagedPolicy, Name: it.Name, Outcome: "skipped: not named " + names.Prefix + "…", Err: errNotOurs})
					continue
				}
				fates = append(fates, c.DeleteManagedPolicy(ctx, it))
			}
			finish(KindManagedPolicy, fates)
		case KindTable:
			finish(KindTable, c.removeNamed(ctx, KindTable, names.Table, runID, has[KindTable], c.tableTagged, c.deleteTable))
		case KindAlias:
			finish(KindAlias, c.removeNamed(ctx, KindAlias, names.Alias, runID, has[KindAlias], c.aliasTagged, c.deleteAlias))
		case KindGrant:
			finish(KindGrant, c.revokeGrants(ctx, names.Prefix, has[KindGrant], has[KindKey]))
		case KindKey:
			finish(KindKey, c.scheduleKeys(ctx, runID, has[KindKey]))
		}
	}
	return report
}

var errNotOurs = errors.New("not created by this run")

// removalOrder is the order in which cleanup removes the kinds of items:
// the reverse of their creation, as the run's ledger recorded it, so that
// what depends on a resource (a grant on a key, a user's access key) goes
// before it, whatever the lab created. Items the ledger does not know
// (found by their tags alone) fall back to the lab's usual order.
func removalOrder(ledger *File, items []Leftover) []string {
	listed := map[string]bool{}
	for _, it := range items {
		listed[it.Kind] = true
	}
	last := map[string]int{}
	if ledger != nil {
		for i, e := range ledger.Snapshot().Resources {
			last[e.Kind] = i
		}
	}
	known := true
	var kinds []string
	for k := range listed {
		kinds = append(kinds, k)
		_, ok := last[k]
		known = known && ok
	}
	sort.Slice(kinds, func(i, j int) bool {
		if known {
			return last[kinds[i]] > last[kinds[j]]
		}
		return kindOrder[kinds[i]] < kindOrder[kinds[j]]
	})
	return kinds
}

// removeUser removes the run's user and what hangs on it (access keys,
// attachments, inline policies), once the user is shown to be the run's:
// its name is the run's and so is its tag.
func (c *Cleaner) removeUser(ctx context.Context, runID string, names Names, has map[string][]Leftover, record func(Fate), finish func(string, []Fate)) {
	foreign := false
	for _, kind := range []string{KindAccessKey, KindPolicy, KindInlinePolicy, KindUser} {
		for _, it := range has[kind] {
			owner := it.User
			if kind == KindUser {
				owner = it.Name
			}
			if owner != names.User {
				record(Fate{Kind: kind, Name: owner, Outcome: "skipped: not this run's user " + names.User, Err: errNotOurs})
				foreign = true
			}
		}
	}
	if foreign {
		return
	}
	// A ledger can be edited by hand: the name alone does not make the user
	// ours, its tag does (the lab tags it in the CreateUser call itself).
	if f, ok := c.checkOwner(ctx, KindUser, names.User, runID, c.userTagged); !ok {
		record(f)
		return
	}
	if len(has[KindAccessKey]) > 0 || len(has[KindUser]) > 0 {
		finish(KindAccessKey, c.deleteAccessKeys(ctx, names.User))
	}
	if len(has[KindPolicy]) > 0 || len(has[KindUser]) > 0 {
		finish(KindPolicy, c.detachPolicies(ctx, names.User))
	}
	if len(has[KindInlinePolicy]) > 0 || len(has[KindUser]) > 0 {
		finish(KindInlinePolicy, c.deleteInlinePolicies(ctx, names.User))
	}
	if len(has[KindUser]) > 0 {
		finish(KindUser, []Fate{c.deleteUser(ctx, names.User)})
	}
}

// removeNamed removes the run's one resource of a kind known by name (its
// table, its alias) once its name and its tag show it is the run's.
func (c *Cleaner) removeNamed(ctx context.Context, kind, name, runID string, items []Leftover, tagged tagCheck, remove func(context.Context, string) Fate) []Fate {
	fates := []Fate{}
	for _, it := range items {
		if it.Name != name {
			fates = append(fates, Fate{Kind: kind, Name: it.Name, Outcome: "skipped: not this run's " + kindNoun(kind) + " " + name, Err: errNotOurs})
		}
	}
	if len(fates) > 0 {
		return fates
	}
	if f, ok := c.checkOwner(ctx, kind, name, runID, tagged); !ok {
		return append(fates, f)
	}
	return append(fates, remove(ctx, name))
}

// kindNoun is a kind without its service: "table", "alias".
func kindNoun(kind string) string { return kind[strings.LastIndexByte(kind, ' ')+1:] }

// tagCheck reports whether the named resource carries the run's tag; a
// resource that no longer exists counts as tagged (deleting it is a no-op).
type tagCheck func(ctx context.Context, name, runID string) (bool, error)

// checkOwner returns ok when the resource may be deleted, else the fate that
// says why not.
func (c *Cleaner) checkOwner(ctx context.Context, kind, name, runID string, tagged tagCheck) (Fate, bool) {
	ok, err := tagged(ctx, name, runID)
	switch {
	case err != nil:
		return Fate{Kind: kind, Name: name, Err: awserr.Fail("check the run tag of "+kind, name, err)}, false
	case !ok:
		return Fate{Kind: kind, Name: name, Outcome: "skipped: not tagged " + TagKey + "=" + runID, Err: errNotOurs}, false
	}
	return Fate{}, true
}

// fate judges a delete call: success is done, the not-found codes mean
// someone already did it, anything else failed.
func fate(kind, name string, err error, done string, notFound ...string) Fate {
	switch {
	case err == nil:
		return Fate{Kind: kind, Name: name, Outcome: done}
	case awserr.IsCode(err, notFound...):
		return Fate{Kind: kind, Name: name, Outcome: OutcomeGone}
	}
	e := awserr.Fail("delete "+kind, name, err)
	return Fate{Kind: kind, Name: name, Outcome: "failed: " + e.Error(), Err: e}
}

// Fate is what cleanup did with one resource.
type Fate struct {
	Kind    string // one of the Kind constants
	Name    string
	Outcome string // "deleted", "already gone", "scheduled for deletion in 7 days", "failed: ..."
	Err     error
}

// Failed reports whether the resource may still exist.
func (f Fate) Failed() bool { return f.Err != nil }

// CleanupReport lists each resource's fate, in the order cleanup handled them.
type CleanupReport struct {
	Resources []Fate
}

// OK reports whether nothing failed.
func (r CleanupReport) OK() bool {
	for _, f := range r.Resources {
		if f.Failed() {
			return false
		}
	}
	return true
}
