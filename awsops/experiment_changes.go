package awsops

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"kmslab/awsops/awserr"
	"kmslab/awsops/ledger"
	"kmslab/awsops/policydoc"
)

// The changes an experiment makes. Each records its diff in the trial,
// writes what it creates to the ledger first and queues its undo.

// EditKeyPolicy applies edit to the key policy, records the diff and queues
// putting the original back.
func (e *Experiment) EditKeyPolicy(ctx context.Context, edit func(string) (string, error)) error {
	l := e.l
	raw, err := l.rawKeyPolicy(ctx)
	if err != nil {
		return err
	}
	after, err := edit(raw)
	if err != nil {
		return awserr.Fail("edit the key policy", l.keyID, err)
	}
	before := policydoc.PrettyJSON(raw)
	after = policydoc.PrettyJSON(after)
	e.kmsTouched = true
	e.undo = append(e.undo, func(ctx context.Context) error { return l.putKeyPolicy(ctx, before) })
	if err := l.putKeyPolicy(ctx, after); err != nil {
		return err
	}
	pd := policydoc.DiffPolicies(before, after)
	e.trial.Diffs = append(e.trial.Diffs, Diff{Label: "key policy", Text: pd.Unified(), Policy: &pd})
	return nil
}

// ReplaceKeyPolicy checks a whole key policy (the learner's) and applies it
// as EditKeyPolicy does.
func (e *Experiment) ReplaceKeyPolicy(ctx context.Context, doc string) error {
	if err := policydoc.ValidateKeyPolicy(doc); err != nil {
		return &awserr.Error{Op: "apply your key policy", Resource: e.l.keyID, Message: err.Error(), Hint: "Fix the policy and save again", Err: err}
	}
	return e.EditKeyPolicy(ctx, func(string) (string, error) { return policydoc.PrettyJSON(doc), nil })
}

func (l *Lab) putKeyPolicy(ctx context.Context, policy string) error {
	_, err := l.kms.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: aws.String(l.keyARN), PolicyName: aws.String("default"), Policy: aws.String(policy)})
	if err != nil {
		return awserr.Fail("put key policy", l.keyID, err)
	}
	return nil
}

// AttachPolicy creates a customer managed policy and attaches it to the
// test user, each recorded in the ledger first; undo detaches and deletes.
func (e *Experiment) AttachPolicy(ctx context.Context, name, doc string) error {
	l := e.l
	const op = "create IAM policy"
	entry, err := l.ledger.Plan(ledger.KindManagedPolicy, name, "")
	if err != nil {
		return awserr.Fail(op, name, err)
	}
	e.undo = append(e.undo, func(ctx context.Context) error {
		c := l.cleaner(nil)
		f := c.DeleteManagedPolicy(ctx, ledger.Leftover{Kind: ledger.KindManagedPolicy, Name: name, ARN: l.policyARN(name)}, l.user.Name)
		if f.Err != nil {
			return f.Err
		}
		return l.ledger.Deleted(ledger.KindManagedPolicy)
	})
	out, err := l.iam.CreatePolicy(ctx, &iam.CreatePolicyInput{
		PolicyName:     aws.String(name),
		PolicyDocument: aws.String(doc),
		Description:    aws.String("kmslab run " + l.names.RunID + ": experiment " + e.id),
	})
	if err != nil {
		return awserr.Fail(op, name, err)
	}
	arn := aws.ToString(out.Policy.Arn)
	if err := l.ledger.Created(entry, "", arn); err != nil {
		return awserr.Fail(op, name, err)
	}
	// A policy created a moment ago may not be visible to the attach yet.
	err = l.retryTransient(ctx, "RunExperiment", "IAM to show the new policy "+name, isNoSuchEntity, func(ctx context.Context) error {
		_, err := l.iam.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String(l.user.Name), PolicyArn: aws.String(arn)})
		return err
	})
	if err != nil {
		return awserr.Fail("attach IAM policy", name, err)
	}
	e.trial.Diffs = append(e.trial.Diffs, Diff{Label: "IAM policy " + name + " (new, attached to " + l.user.Name + ")",
		Text: policydoc.NewDocDiff("IAM policy "+name, doc)})
	return nil
}

func (l *Lab) policyARN(name string) string {
	account := ""
	if l.ident != nil {
		account = l.ident.Account
	}
	return "arn:" + l.partition + ":iam::" + account + ":policy/" + name
}

// PutInlinePolicy puts an inline policy on the test user, recorded in the
// ledger first; undo deletes it.
func (e *Experiment) PutInlinePolicy(ctx context.Context, name, doc string) error {
	l := e.l
	const op = "put inline IAM policy"
	entry, err := l.ledger.Plan(ledger.KindInlinePolicy, name, l.user.Name)
	if err != nil {
		return awserr.Fail(op, name, err)
	}
	e.undo = append(e.undo, func(ctx context.Context) error {
		_, err := l.iam.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: aws.String(l.user.Name), PolicyName: aws.String(name)})
		if err != nil && !awserr.IsCode(err, "NoSuchEntity") {
			return awserr.Fail("delete inline IAM policy", name, err)
		}
		return l.ledger.Deleted(ledger.KindInlinePolicy)
	})
	if _, err := l.iam.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(l.user.Name), PolicyName: aws.String(name), PolicyDocument: aws.String(doc)}); err != nil {
		return awserr.Fail(op, name, err)
	}
	if err := l.ledger.Created(entry, "", ""); err != nil {
		return awserr.Fail(op, name, err)
	}
	e.trial.Diffs = append(e.trial.Diffs, Diff{Label: "inline IAM policy " + name + " (new, on " + l.user.Name + ")",
		Text: policydoc.NewDocDiff("inline policy "+name, doc)})
	return nil
}

// CreateGrant lets the test user Decrypt with the key through a grant named
// name, recorded in the ledger first; undo revokes it. It returns the
// grant's id.
func (e *Experiment) CreateGrant(ctx context.Context, name string) (string, error) {
	l := e.l
	const op = "create grant"
	entry, err := l.ledger.Plan(ledger.KindGrant, name, "")
	if err != nil {
		return "", awserr.Fail(op, name, err)
	}
	out, err := l.kms.CreateGrant(ctx, &kms.CreateGrantInput{
		KeyId:            aws.String(l.keyARN),
		GranteePrincipal: aws.String(l.user.ARN),
		Operations:       []kmstypes.GrantOperation{kmstypes.GrantOperationDecrypt},
		Name:             aws.String(name),
	})
	if err != nil {
		return "", awserr.Fail(op, name, err)
	}
	id := aws.ToString(out.GrantId)
	e.kmsTouched = true
	if tok := aws.ToString(out.GrantToken); tok != "" {
		if e.grantTokens == nil {
			e.grantTokens = map[string]string{}
		}
		e.grantTokens[id] = tok
	}
	if err := l.ledger.Created(entry, "", ""); err != nil {
		return "", awserr.Fail(op, name, err)
	}
	e.undo = append(e.undo, func(ctx context.Context) error { return e.RevokeGrant(ctx, id) })
	e.trial.Diffs = append(e.trial.Diffs, Diff{Label: "grants on the key", Text: fmt.Sprintf("+ grant %s: %s may Decrypt\n", name, l.user.Name)})
	return id, nil
}

// RevokeGrant revokes a grant; one already gone counts as revoked.
func (e *Experiment) RevokeGrant(ctx context.Context, id string) error {
	l := e.l
	delete(e.grantTokens, id)
	e.kmsTouched = true
	_, err := l.kms.RevokeGrant(ctx, &kms.RevokeGrantInput{KeyId: aws.String(l.keyARN), GrantId: aws.String(id)})
	if err != nil && !awserr.IsCode(err, "NotFoundException", "InvalidGrantIdException") {
		return awserr.Fail("revoke grant", id, err)
	}
	return l.ledger.Deleted(ledger.KindGrant)
}

// SetKeyEnabled enables or disables the key. Disabling records the change
// and queues enabling it again.
func (e *Experiment) SetKeyEnabled(ctx context.Context, enabled bool) error {
	l := e.l
	if enabled {
		if _, err := l.kms.EnableKey(ctx, &kms.EnableKeyInput{KeyId: aws.String(l.keyARN)}); err != nil {
			return awserr.Fail("enable key", l.keyID, err)
		}
		return l.waitForTableRecovery(ctx)
	}
	e.undo = append(e.undo, func(ctx context.Context) error { return e.SetKeyEnabled(ctx, true) })
	if _, err := l.kms.DisableKey(ctx, &kms.DisableKeyInput{KeyId: aws.String(l.keyARN)}); err != nil {
		return awserr.Fail("disable key", l.keyID, err)
	}
	e.trial.Diffs = append(e.trial.Diffs, Diff{Label: "key state", Text: "- Enabled\n+ Disabled\n"})
	return nil
}

// waitForTableRecovery waits, after the key is enabled again, until the
// lab's table under it can be read: a table whose key DynamoDB found
// unusable stays INACCESSIBLE_ENCRYPTION_CREDENTIALS until DynamoDB
// "detects that the table's AWS KMS key is accessible again", and AWS
// documents no time for that (DynamoDB API Reference, SSEDescription,
// InaccessibleEncryptionDateTime:
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_SSEDescription.html).
// Hence a bound of its own, TableRecoveryTimeout, and a read as the probe:
// the admin's Scan is what the detection answers.
func (l *Lab) waitForTableRecovery(ctx context.Context) error {
	if l.table == nil || l.table.SSE.KMSKeyARN == "" || l.table.SSE.KMSKeyARN != l.keyARN {
		return nil // the table is not under this key
	}
	var last error
	err := l.waitFor(ctx, "RunExperiment", "DynamoDB to find the key enabled again (AWS documents no time for this)", l.opts.TableRecoveryTimeout, func(ctx context.Context) (bool, error) {
		_, err := scan(ctx, l.ddb, l.names.Table)
		if err == nil {
			l.usedTable(cacheAdmin)
			return true, nil
		}
		if p, jerr := judge(err, l.tableNeed(AsAdmin)); jerr == nil && p.Decision == Refused {
			last = err
			return false, nil
		}
		return false, err
	})
	var we *awserr.WaitError
	if errors.As(err, &we) {
		we.Last = last
	}
	if err != nil {
		return awserr.Fail("wait for the table to be readable again", l.names.Table, err)
	}
	return nil
}
