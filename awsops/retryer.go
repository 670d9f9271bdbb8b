package awsops

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
)

// Throttling is the SDK retryer's job, tuned for a lab that makes a few
// dozen calls in a burst: more attempts than the default three, since IAM's
// control plane throttles low and a throttled step would otherwise fail, and
// no client-side retry quota, which would give up on a run of throttles that
// a few more seconds ride out. The backoff is the SDK's exponential jitter
// (https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html:
// standard mode, capped at 20 s).
const (
	sdkMaxAttempts = 8
	sdkMaxBackoff  = 20 * time.Second
)

// labRetryer is the retryer every client of a lab uses. With an injected
// Sleep (a test's skip clock) the pause goes through it and the SDK is told
// to wait no more, so a throttled call costs no wall time there either.
func labRetryer(sleep func(context.Context, time.Duration) error) func() aws.Retryer {
	return func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = sdkMaxAttempts
			o.MaxBackoff = sdkMaxBackoff
			o.RateLimiter = ratelimit.None
			jitter := retry.NewExponentialJitterBackoff(sdkMaxBackoff)
			if sleep != nil {
				o.Backoff = sleepingBackoff{jitter: jitter, sleep: sleep}
			}
		})
	}
}

// sleepingBackoff spends the SDK's backoff on the lab's own Sleep.
type sleepingBackoff struct {
	jitter retry.BackoffDelayer
	sleep  func(context.Context, time.Duration) error
}

func (b sleepingBackoff) BackoffDelay(attempt int, err error) (time.Duration, error) {
	d, derr := b.jitter.BackoffDelay(attempt, err)
	if derr != nil {
		return 0, derr
	}
	if err := b.sleep(context.Background(), d); err != nil {
		return 0, err
	}
	return 0, nil
}
