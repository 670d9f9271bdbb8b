package awsops

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// NextRun prepares the run of another lab in the same session, when a
// learner goes on from one lab's summary to the next: the same account,
// credentials and options, and a run id of its own (this one's, with a
// suffix), so that its resources have names of their own, its ledger is its
// own and its cleanup removes only what it made.
//
// This run's key is handed on while it is still Enabled (the envelope lab
// reuses the first lab's key, issue 21), with its alias: the next run names
// both as this run does, and records neither in its ledger, so its cleanup
// leaves them to this run's ledger and cleanup, which own them. A key that is
// pending deletion (this run was cleaned up), disabled or gone is not handed
// on: the next run creates its own.
func (l *Lab) NextRun(ctx context.Context) (*Lab, error) {
	opts := l.opts
	opts.RunID = nextRunID(l.names.RunID)
	next, err := New(l.cfg, opts)
	if err != nil {
		return nil, err
	}
	next.ident, next.principal, next.partition = l.ident, l.principal, l.partition
	if l.keyARN == "" {
		return next, nil
	}
	out, err := l.kms.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(l.keyARN)})
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return next, nil // not this run's to judge: the next run makes its own key
	}
	if out.KeyMetadata.KeyState == kmstypes.KeyStateEnabled {
		next.keyID, next.keyARN = l.keyID, l.keyARN
		next.names.Alias, next.aliasMade = l.names.Alias, l.aliasMade
	}
	return next, nil
}

// nextRunID is the run id of the run after the one named id: id and "n",
// within the 20 characters a run id may have.
func nextRunID(id string) string {
	const maxLen = 20
	if len(id) >= maxLen {
		id = id[:maxLen-1]
	}
	return id + "n"
}
