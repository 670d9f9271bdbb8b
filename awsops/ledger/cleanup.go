package ledger

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

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

func (c *Cleaner) userTagged(ctx context.Context, user, runID string) (bool, error) {
	p := iam.NewListUserTagsPaginator(c.IAM, &iam.ListUserTagsInput{UserName: aws.String(user)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if awserr.IsCode(err, "NoSuchEntity") {
			return true, nil
		}
		if err != nil {
			return false, err
		}
		if hasIAMTag(out.Tags, runID) {
			return true, nil
		}
	}
	return false, nil
}

func (c *Cleaner) tableTagged(ctx context.Context, table, runID string) (bool, error) {
	d, err := c.DDB.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)})
	if awserr.IsCode(err, "ResourceNotFoundException") {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	in := &dynamodb.ListTagsOfResourceInput{ResourceArn: d.Table.TableArn}
	for {
		out, err := c.DDB.ListTagsOfResource(ctx, in)
		if awserr.IsCode(err, "ResourceNotFoundException") {
			return true, nil
		}
		if err != nil {
			return false, err
		}
		for _, t := range out.Tags {
			if aws.ToString(t.Key) == TagKey && aws.ToString(t.Value) == runID {
				return true, nil
			}
		}
		if out.NextToken == nil {
			return false, nil
		}
		in.NextToken = out.NextToken
	}
}

// aliasTagged checks the key the alias points at: aliases carry no tags.
func (c *Cleaner) aliasTagged(ctx context.Context, alias, runID string) (bool, error) {
	d, err := c.KMS.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(alias)})
	if awserr.IsCode(err, "NotFoundException") {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	tagged, err := keyHasTag(ctx, c.KMS, aws.ToString(d.KeyMetadata.KeyId), runID)
	if awserr.IsCode(err, "NotFoundException") {
		return true, nil
	}
	return tagged, err
}

func (c *Cleaner) deleteAccessKeys(ctx context.Context, user string) []Fate {
	var fates []Fate
	p := iam.NewListAccessKeysPaginator(c.IAM, &iam.ListAccessKeysInput{UserName: aws.String(user)})
	var keys []iamtypes.AccessKeyMetadata
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if awserr.IsCode(err, "NoSuchEntity") {
			return []Fate{{Kind: KindAccessKey, Name: user, Outcome: OutcomeGone}}
		}
		if err != nil {
			return []Fate{{Kind: KindAccessKey, Name: user, Err: awserr.Fail("list access keys", user, err)}}
		}
		keys = append(keys, out.AccessKeyMetadata...)
	}
	for _, k := range keys {
		id := aws.ToString(k.AccessKeyId)
		_, err := c.IAM.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String(user), AccessKeyId: k.AccessKeyId})
		fates = append(fates, fate(KindAccessKey, id, err, OutcomeDeleted, "NoSuchEntity"))
	}
	if len(fates) == 0 {
		fates = append(fates, Fate{Kind: KindAccessKey, Name: user, Outcome: OutcomeGone})
	}
	return fates
}

func (c *Cleaner) detachPolicies(ctx context.Context, user string) []Fate {
	var fates []Fate
	var attached []iamtypes.AttachedPolicy
	p := iam.NewListAttachedUserPoliciesPaginator(c.IAM, &iam.ListAttachedUserPoliciesInput{UserName: aws.String(user)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if awserr.IsCode(err, "NoSuchEntity") {
			return []Fate{{Kind: KindPolicy, Name: user, Outcome: OutcomeGone}}
		}
		if err != nil {
			return []Fate{{Kind: KindPolicy, Name: user, Err: awserr.Fail("list attached policies", user, err)}}
		}
		attached = append(attached, out.AttachedPolicies...)
	}
	for _, a := range attached {
		_, err := c.IAM.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: aws.String(user), PolicyArn: a.PolicyArn})
		f := fate(KindPolicy, aws.ToString(a.PolicyName), err, "detached", "NoSuchEntity")
		if f.Err == nil && f.Outcome == OutcomeGone {
			f.Outcome = "already detached"
		}
		fates = append(fates, f)
	}
	if len(fates) == 0 {
		fates = append(fates, Fate{Kind: KindPolicy, Name: user, Outcome: "none attached"})
	}
	return fates
}

func (c *Cleaner) deleteUser(ctx context.Context, user string) Fate {
	// Right after its keys and policies were removed, IAM may still count
	// them and answer DeleteConflict for a while; and its lists, read right
	// after a change, may have missed one: each retry sweeps them again.
	attempt := 0
	err := c.Retry(ctx, "Cleanup", "IAM to show the user "+user+" without its keys and policies", isDeleteConflict, func(ctx context.Context) error {
		if attempt++; attempt > 1 {
			c.deleteAccessKeys(ctx, user)
			c.detachPolicies(ctx, user)
			c.deleteInlinePolicies(ctx, user)
		}
		_, err := c.IAM.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String(user)})
		return err
	})
	f := fate(KindUser, user, err, OutcomeDeleted, "NoSuchEntity")
	if awserr.IsCode(err, "DeleteConflict") {
		why, hint := conflictWords(c.userAttachments(ctx, user))
		f.Err = &awserr.Error{Op: "delete user", Resource: user, Code: "DeleteConflict", Message: why, Hint: hint, Err: err}
		f.Outcome = "failed: " + f.Err.Error()
	}
	return f
}

func isDeleteConflict(err error) bool { return awserr.IsCode(err, "DeleteConflict") }

// userAttachments names what IAM still holds on user that the lab never
// creates (a login profile, groups, MFA devices): what a DeleteConflict that
// outlasted the wait is really about. Empty when there is none, or when
// they cannot be read.
func (c *Cleaner) userAttachments(ctx context.Context, user string) []string {
	var has []string
	if _, err := c.IAM.GetLoginProfile(ctx, &iam.GetLoginProfileInput{UserName: aws.String(user)}); err == nil {
		has = append(has, "a console password (login profile)")
	}
	if out, err := c.IAM.ListGroupsForUser(ctx, &iam.ListGroupsForUserInput{UserName: aws.String(user)}); err == nil && len(out.Groups) > 0 {
		has = append(has, "group memberships")
	}
	if out, err := c.IAM.ListMFADevices(ctx, &iam.ListMFADevicesInput{UserName: aws.String(user)}); err == nil && len(out.MFADevices) > 0 {
		has = append(has, "MFA devices")
	}
	return has
}

// conflictWords word a DeleteConflict that outlasted the wait, given what
// the user still has that the lab never creates: the sentence blames only
// what is really there.
func conflictWords(has []string) (why, hint string) {
	if len(has) > 0 {
		list := strings.Join(has, ", ")
		return "the user still has " + list + ", which the lab did not create",
			"Remove " + list + " in the IAM console, then run `kmslab cleanup` again"
	}
	return "IAM still counts keys or policies on the user that the lab has removed, as it may for a while after a change",
		"Run `kmslab cleanup` again in a few minutes"
}

func (c *Cleaner) deleteTable(ctx context.Context, table string) Fate {
	var f Fate
	// A table still CREATING refuses deletion; wait for it like any other
	// eventual state rather than give up.
	err := c.Wait(ctx, "Cleanup", "table "+table+" to finish creating before deleting it", func(ctx context.Context) (bool, error) {
		_, err := c.DDB.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(table)})
		var inUse *ddbtypes.ResourceInUseException
		if errors.As(err, &inUse) {
			return false, nil
		}
		f = fate(KindTable, table, err, OutcomeDeleted, "ResourceNotFoundException")
		return true, nil
	})
	if err != nil {
		return Fate{Kind: KindTable, Name: table, Err: awserr.Fail("delete table", table, err)}
	}
	return f
}

func (c *Cleaner) deleteAlias(ctx context.Context, alias string) Fate {
	_, err := c.KMS.DeleteAlias(ctx, &kms.DeleteAliasInput{AliasName: aws.String(alias)})
	return fate(KindAlias, alias, err, OutcomeDeleted, "NotFoundException")
}

// scheduleKeys schedules the deletion of the run's keys: those recorded by
// id, plus, when an entry has no id (the run stopped while creating it), the
// keys tagged with the run. Only keys carrying the run's tag are touched.
func (c *Cleaner) scheduleKeys(ctx context.Context, runID string, items []Leftover) []Fate {
	ids := map[string]bool{}
	var order []string
	add := func(id string) {
		if id != "" && !ids[id] {
			ids[id] = true
			order = append(order, id)
		}
	}
	search := false
	for _, it := range items {
		if it.Name == "" {
			search = true
		}
		add(it.Name)
	}
	if search {
		found, err := findTaggedKeys(ctx, c.KMS, runID)
		if err != nil {
			return []Fate{{Kind: KindKey, Name: "(tagged " + TagKey + "=" + runID + ")", Err: awserr.Fail("find the run's key", "", err)}}
		}
		for _, k := range found {
			add(k)
		}
	}
	var fates []Fate
	for _, id := range order {
		fates = append(fates, c.ScheduleKey(ctx, runID, id))
	}
	if len(fates) == 0 {
		fates = append(fates, Fate{Kind: KindKey, Name: "(never created)", Outcome: OutcomeGone})
	}
	return fates
}

// ScheduleKey schedules the deletion of one key of the run, once its tag
// shows it is the run's; a key already gone or going counts as done.
func (c *Cleaner) ScheduleKey(ctx context.Context, runID, id string) Fate {
	d, err := c.KMS.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(id)})
	if awserr.IsCode(err, "NotFoundException") {
		return Fate{Kind: KindKey, Name: id, Outcome: OutcomeGone}
	}
	if err != nil {
		return Fate{Kind: KindKey, Name: id, Err: awserr.Fail("describe key", id, err)}
	}
	switch d.KeyMetadata.KeyState {
	case kmstypes.KeyStatePendingDeletion, kmstypes.KeyStatePendingReplicaDeletion:
		return Fate{Kind: KindKey, Name: id, Outcome: OutcomeAlreadyScheduled}
	}
	tagged, err := keyHasTag(ctx, c.KMS, id, runID)
	if err != nil {
		return Fate{Kind: KindKey, Name: id, Err: awserr.Fail("read key tags", id, err)}
	}
	if !tagged {
		return Fate{Kind: KindKey, Name: id, Outcome: "skipped: not tagged " + TagKey + "=" + runID, Err: errNotOurs}
	}
	_, err = c.KMS.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: aws.String(id), PendingWindowInDays: aws.Int32(keyDeletionDays)})
	switch {
	case err == nil:
		return Fate{Kind: KindKey, Name: id, Outcome: OutcomeScheduled}
	case awserr.IsCode(err, "NotFoundException"):
		return Fate{Kind: KindKey, Name: id, Outcome: OutcomeGone}
	case awserr.IsCode(err, "KMSInvalidStateException"):
		return Fate{Kind: KindKey, Name: id, Outcome: OutcomeAlreadyScheduled}
	}
	return Fate{Kind: KindKey, Name: id, Err: awserr.Fail("schedule key deletion", id, err)}
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

func keyHasTag(ctx context.Context, c *kms.Client, id, runID string) (bool, error) {
	p := kms.NewListResourceTagsPaginator(c, &kms.ListResourceTagsInput{KeyId: aws.String(id)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return false, err
		}
		for _, t := range out.Tags {
			if aws.ToString(t.TagKey) == TagKey && aws.ToString(t.TagValue) == runID {
				return true, nil
			}
		}
	}
	return false, nil
}

// findTaggedKeys lists the customer managed keys, not pending deletion,
// tagged with runID ("" for any run), as key id -> run id.
func findTaggedKeys(ctx context.Context, c *kms.Client, runID string) ([]string, error) {
	found, err := taggedKeys(ctx, c)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, k := range found {
		if k.run == runID {
			out = append(out, k.id)
		}
	}
	return out, nil
}

type taggedKey struct{ id, arn, run string }

func taggedKeys(ctx context.Context, c *kms.Client) ([]taggedKey, error) {
	var out []taggedKey
	p := kms.NewListKeysPaginator(c, &kms.ListKeysInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list keys: %w", err)
		}
		for _, k := range page.Keys {
			d, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: k.KeyId})
			if err != nil {
				if awserr.IsCode(err, "NotFoundException", "AccessDeniedException") {
					continue // gone meanwhile, or a key we may not even look at: not ours
				}
				return nil, fmt.Errorf("describe key %s: %w", aws.ToString(k.KeyId), err)
			}
			m := d.KeyMetadata
			if m.KeyManager != kmstypes.KeyManagerTypeCustomer || m.KeyState == kmstypes.KeyStatePendingDeletion {
				continue
			}
			tp := kms.NewListResourceTagsPaginator(c, &kms.ListResourceTagsInput{KeyId: k.KeyId})
			for tp.HasMorePages() {
				tags, err := tp.NextPage(ctx)
				if err != nil {
					if awserr.IsCode(err, "NotFoundException", "AccessDeniedException") {
						break
					}
					return nil, fmt.Errorf("list tags of key %s: %w", aws.ToString(k.KeyId), err)
				}
				for _, t := range tags.Tags {
					if aws.ToString(t.TagKey) == TagKey && ValidRunID(aws.ToString(t.TagValue)) {
						out = append(out, taggedKey{id: aws.ToString(m.KeyId), arn: aws.ToString(m.Arn), run: aws.ToString(t.TagValue)})
					}
				}
			}
		}
	}
	return out, nil
}

// deleteInlinePolicies removes the user's inline policies (experiments put
// one; IAM refuses to delete a user that still has any).
func (c *Cleaner) deleteInlinePolicies(ctx context.Context, user string) []Fate {
	var names []string
	p := iam.NewListUserPoliciesPaginator(c.IAM, &iam.ListUserPoliciesInput{UserName: aws.String(user)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if awserr.IsCode(err, "NoSuchEntity") {
			return []Fate{{Kind: KindInlinePolicy, Name: user, Outcome: OutcomeGone}}
		}
		if err != nil {
			return []Fate{{Kind: KindInlinePolicy, Name: user, Err: awserr.Fail("list inline policies", user, err)}}
		}
		names = append(names, out.PolicyNames...)
	}
	var fates []Fate
	for _, n := range names {
		_, err := c.IAM.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: aws.String(user), PolicyName: aws.String(n)})
		fates = append(fates, fate(KindInlinePolicy, n, err, OutcomeDeleted, "NoSuchEntity"))
	}
	return fates // none when the user has none: nothing to report
}

// DeleteManagedPolicy removes a customer managed policy the way IAM requires:
// detached from every user (users, those the caller knows it attached it
// to), its non-default versions deleted, then itself. IAM's lists lag
// behind its writes, so a list read right after an attach can miss it and
// DeletePolicy then answers DeleteConflict: the whole sweep is retried, not
// just the delete.
func (c *Cleaner) DeleteManagedPolicy(ctx context.Context, it Leftover, users ...string) Fate {
	arn := aws.String(it.ARN)
	gone := false
	sweep := func(ctx context.Context) error {
		for _, u := range users {
			_, err := c.IAM.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: aws.String(u), PolicyArn: arn})
			if err != nil && !awserr.IsCode(err, "NoSuchEntity") {
				return awserr.Fail("detach policy", it.Name, err)
			}
		}
		ep := iam.NewListEntitiesForPolicyPaginator(c.IAM, &iam.ListEntitiesForPolicyInput{PolicyArn: arn})
		for ep.HasMorePages() {
			out, err := ep.NextPage(ctx)
			if awserr.IsCode(err, "NoSuchEntity") {
				gone = true
				return nil
			}
			if err != nil {
				return awserr.Fail("list the policy's attachments", it.Name, err)
			}
			for _, u := range out.PolicyUsers {
				_, err := c.IAM.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: u.UserName, PolicyArn: arn})
				if err != nil && !awserr.IsCode(err, "NoSuchEntity") {
					return awserr.Fail("detach policy", it.Name, err)
				}
			}
		}
		vp := iam.NewListPolicyVersionsPaginator(c.IAM, &iam.ListPolicyVersionsInput{PolicyArn: arn})
		for vp.HasMorePages() {
			out, err := vp.NextPage(ctx)
			if awserr.IsCode(err, "NoSuchEntity") {
				gone = true
				return nil
			}
			if err != nil {
				return awserr.Fail("list policy versions", it.Name, err)
			}
			for _, v := range out.Versions {
				if v.IsDefaultVersion {
					continue
				}
				_, err := c.IAM.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: arn, VersionId: v.VersionId})
				if err != nil && !awserr.IsCode(err, "NoSuchEntity") {
					return awserr.Fail("delete policy version", it.Name, err)
				}
			}
		}
		_, err := c.IAM.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: arn})
		return err
	}
	err := c.Retry(ctx, "Cleanup", "IAM to show the policy "+it.Name+" detached", isDeleteConflict, sweep)
	if gone {
		return Fate{Kind: KindManagedPolicy, Name: it.Name, Outcome: OutcomeGone}
	}
	return fate(KindManagedPolicy, it.Name, err, OutcomeDeleted, "NoSuchEntity")
}

// revokeGrants revokes the grants named in the ledger on the run's keys.
// Grants die with their key, but a key waits 7 days before deletion.
func (c *Cleaner) revokeGrants(ctx context.Context, prefix string, grants, keys []Leftover) []Fate {
	want := map[string]bool{}
	var fates []Fate
	for _, g := range grants {
		if !strings.HasPrefix(g.Name, prefix) {
			fates = append(fates, Fate{Kind: KindGrant, Name: g.Name, Outcome: "skipped: not named " + prefix + "…", Err: errNotOurs})
			continue
		}
		want[g.Name] = true
	}
	found := map[string]bool{}
	for _, k := range keys {
		if k.Name == "" {
			continue
		}
		p := kms.NewListGrantsPaginator(c.KMS, &kms.ListGrantsInput{KeyId: aws.String(k.Name)})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if awserr.IsCode(err, "NotFoundException", "KMSInvalidStateException") {
				break // the key is gone or going, and its grants with it
			}
			if err != nil {
				return append(fates, Fate{Kind: KindGrant, Name: k.Name, Err: awserr.Fail("list grants", k.Name, err)})
			}
			for _, g := range out.Grants {
				name := aws.ToString(g.Name)
				if !want[name] {
					continue
				}
				found[name] = true
				_, err := c.KMS.RevokeGrant(ctx, &kms.RevokeGrantInput{KeyId: aws.String(k.Name), GrantId: g.GrantId})
				fates = append(fates, fate(KindGrant, name, err, "revoked", "NotFoundException"))
			}
		}
	}
	for name := range want {
		if !found[name] {
			fates = append(fates, Fate{Kind: KindGrant, Name: name, Outcome: OutcomeGone})
		}
	}
	return fates
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
