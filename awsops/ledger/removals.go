package ledger

import (
	"context"
	"errors"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"kmslab/awsops/awserr"
)

// The removal of each kind of resource: each call's outcome is a Fate, and a
// resource already gone counts as removed.

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
