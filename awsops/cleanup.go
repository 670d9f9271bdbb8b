package awsops

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"

	"kmslab/awsops/ledger"
	"kmslab/internal/sdkhttp"
)

// Cleanup removes everything the run's ledger records, in the reverse order
// of creation (for this lab: access keys, policy attachments, user, table,
// alias, then the key's deletion scheduled in 7 days, the minimum AWS
// allows). It is idempotent: a resource
// already gone counts as done. The error, if any, summarises the failures;
// the report says what happened to each resource.
func (l *Lab) Cleanup(ctx context.Context) (ledger.CleanupReport, error) {
	c := l.cleaner(nil)
	report := c.Clean(ctx, l.names.RunID, l.ledger.Snapshot().Leftovers(), l.ledger)
	l.test = nil // the key is gone (or going); its clients must not be reused
	return report, report.Err()
}

// cleaner is the ledger's cleanup with the admin's clients and the lab's
// waits.
func (l *Lab) cleaner(progress func(ledger.Fate)) *ledger.Cleaner {
	return &ledger.Cleaner{KMS: l.kms, DDB: l.ddb, IAM: l.iam, Wait: l.wait, Retry: l.retryTransient, Progress: progress}
}

// CleanupLeftovers removes the given leftovers, run by run in dependency
// order, updating and finally removing their ledgers under stateDir ("" for
// the default). progress, when set, hears each fate as it is decided.
func CleanupLeftovers(ctx context.Context, cfg aws.Config, stateDir string, leftovers []ledger.Leftover, progress func(ledger.Fate)) (ledger.CleanupReport, error) {
	cfg = sdkhttp.Guard(cfg)
	byRun := map[string][]ledger.Leftover{}
	var runs []string
	for _, lo := range leftovers {
		if _, ok := byRun[lo.RunID]; !ok {
			runs = append(runs, lo.RunID)
		}
		byRun[lo.RunID] = append(byRun[lo.RunID], lo)
	}
	sort.Strings(runs)
	var report ledger.CleanupReport
	var errs []error
	for _, run := range runs {
		lab, err := New(cfg, Options{RunID: run, StateDir: stateDir})
		if err != nil {
			errs = append(errs, fmt.Errorf("run %s: %w", run, err))
			continue
		}
		r := lab.cleaner(progress).Clean(ctx, run, byRun[run], lab.ledger)
		report.Resources = append(report.Resources, r.Resources...)
	}
	if err := report.Err(); err != nil {
		errs = append(errs, err)
	}
	return report, errors.Join(errs...)
}
