package sim

import (
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"kmslab/sim/api"
	"kmslab/sim/kms"
)

// Realism makes the offline AWS behave as a real account does where AWS
// documents eventual consistency, answers a denial in more than one wording,
// or throttles. Set Options.Realism to turn it on; nil keeps every change
// instant and every answer in one wording, as the tests have always seen it.
//
// Every random choice comes from Seed (math/rand/v2's PCG, one stream per
// kind of choice, so that adding a draw of one kind does not shift another),
// and every time from Options.Clock: the same seed, the same clock and the
// same sequence of calls replay the same delays, wordings and faults.
//
// A zero field takes its default (below); a Delay with a negative Max, or a
// negative rate, turns that behaviour off. What each default rests on:
//
//	field          default                       AWS's own words
//	IAM            most ≤ 5 s, 1 in 10 up to 60 s IAM User Guide, "Troubleshoot IAM" › "Changes that I make are not always
//	                                              immediately visible": IAM is eventually consistent, changes take time to
//	                                              propagate, so verify them before depending on them. AWS names no bound.
//	                                              KMS API Reference, CreateKey and PutKeyPolicy, Policy: a new principal
//	                                              "might not be immediately visible to KMS".
//	Grant          most ≤ 3 s, 1 in 10 up to 5 min KMS Developer Guide, "Using a grant token": a new grant "typically takes
//	                                              less than a few seconds ... in some cases it can take several minutes";
//	                                              KMS API Reference, CreateGrant: "usually less than five minutes". A
//	                                              request carrying the grant's token uses it at once.
//	KeyPolicy      most ≤ 3 s, 1 in 10 up to 3 min KMS Developer Guide, "AWS KMS eventual consistency": a change "typically
//	                                              takes less than a few seconds ... in some cases it can take several
//	                                              minutes"; PutKeyPolicy's API Reference points there.
//	TableRecovery  most ≤ 2 min, 1 in 5 up to 10 min DynamoDB API Reference, SSEDescription.InaccessibleEncryptionDateTime:
//	                                              cleared "when DynamoDB detects that the table's AWS KMS key is accessible
//	                                              again"; AWS documents no recovery time, so the table of a re-enabled key
//	                                              stays INACCESSIBLE_ENCRYPTION_CREDENTIALS for a while.
//	ListLag        most ≤ 2 s, 1 in 10 up to 30 s the same IAM and KMS eventual consistency, seen by a list right after a
//	                                              delete (ListGrants after RevokeGrant, ListAliases after DeleteAlias).
//	ThrottleRate   1 call in 100                 AWS General Reference, "Error retries and exponential backoff in AWS"
//	                                              (https://docs.aws.amazon.com/general/latest/gr/api-retries.html): retry
//	                                              throttling errors; KMS Developer Guide, "Throttling AWS KMS requests".
//	                                              AWS publishes no rate: 1 in 100 exercises the SDKs' retries.
type Realism struct {
	// Seed chooses every delay, wording and fault.
	Seed int64

	// IAM is how long an IAM write (a user, an access key, a group and its
	// members, a role, an inline or managed policy or one of its versions,
	// an attachment, and each of their deletions) takes to reach IAM's reads,
	// sign-in, every authorization, KMS's check of key policy principals and
	// STS AssumeRole: until then they see the account as it was.
	IAM Delay
	// Grant is how long a new grant takes to allow anything for a request
	// that does not carry its grant token.
	Grant Delay
	// KeyPolicy is how long a new key policy takes to decide requests
	// (GetKeyPolicy shows it at once).
	KeyPolicy Delay
	// TableRecovery is how long a DynamoDB table keeps refusing reads and
	// writes after its KMS key is enabled again.
	TableRecovery Delay
	// ListLag is how long KMS's lists (ListGrants, ListRetirableGrants,
	// ListAliases) still show what was just deleted. IAM's lists lag with
	// every other IAM read (see IAM).
	ListLag Delay

	// ThrottleRate is the share of calls answered Throttling or
	// ThrottlingException instead (0: DefaultThrottleRate; negative: none).
	ThrottleRate float64
}

// Delay is a seeded random wait: most draws fall in [0, Typical]; a share
// Slow of them fall in (Typical, Max] instead, as AWS's "usually within
// seconds, sometimes minutes" reads. A negative Max turns the delay off.
type Delay struct {
	Typical time.Duration
	Max     time.Duration
	Slow    float64 // share of draws above Typical, in [0, 1]
}

// The documented defaults of Realism (see its table for their sources).
var (
	DefaultIAMDelay           = Delay{Typical: 5 * time.Second, Max: time.Minute, Slow: 0.1}
	DefaultGrantDelay         = Delay{Typical: 3 * time.Second, Max: 5 * time.Minute, Slow: 0.1}
	DefaultKeyPolicyDelay     = Delay{Typical: 3 * time.Second, Max: 3 * time.Minute, Slow: 0.1}
	DefaultTableRecoveryDelay = Delay{Typical: 2 * time.Minute, Max: 10 * time.Minute, Slow: 0.2}
	DefaultListLag            = Delay{Typical: 2 * time.Second, Max: 30 * time.Second, Slow: 0.1}
)

// DefaultThrottleRate is Realism.ThrottleRate's default.
const DefaultThrottleRate = 0.01

// Off is the Delay that turns a behaviour of Realism off.
var Off = Delay{Max: -1}

// withDefaults fills r's zero fields.
func (r Realism) withDefaults() Realism {
	fill := func(d *Delay, def Delay) {
		if *d == (Delay{}) {
			*d = def
		}
	}
	fill(&r.IAM, DefaultIAMDelay)
	fill(&r.Grant, DefaultGrantDelay)
	fill(&r.KeyPolicy, DefaultKeyPolicyDelay)
	fill(&r.TableRecovery, DefaultTableRecoveryDelay)
	fill(&r.ListLag, DefaultListLag)
	if r.ThrottleRate == 0 {
		r.ThrottleRate = DefaultThrottleRate
	}
	return r
}

// stream names one kind of random choice: each has its own PCG, so the
// delays a seed gives do not depend on how many wordings were chosen.
type stream uint64

const (
	streamIAM stream = iota + 1
	streamGrant
	streamTable
	streamList
	streamThrottle
	streamWording
	streamKeyPolicy // after the first six, so that their draws stay as they were
	streamCount
)

// realism is a running Realism: its seeded streams, drawn under one lock.
type realism struct {
	cfg Realism
	mu  sync.Mutex
	rng [streamCount]*rand.Rand
}

func newRealism(cfg Realism) *realism {
	r := &realism{cfg: cfg.withDefaults()}
	for s := streamIAM; s < streamCount; s++ {
		r.rng[s] = rand.New(rand.NewPCG(uint64(cfg.Seed), uint64(s)))
	}
	return r
}

// delay draws one wait of d from stream s.
func (r *realism) delay(s stream, d Delay) time.Duration {
	if r == nil || d.Max < 0 {
		return 0
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	g := r.rng[s]
	lo, hi := time.Duration(0), d.Typical
	if d.Max > d.Typical && g.Float64() < d.Slow {
		lo, hi = d.Typical, d.Max
	}
	if hi <= lo {
		return lo
	}
	return lo + time.Duration(g.Int64N(int64(hi-lo)+1))
}

// chance reports, from stream s, whether an event of the given rate happens.
func (r *realism) chance(s stream, rate float64) bool {
	if r == nil || rate <= 0 {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.rng[s].Float64() < rate
}

// pick chooses one of n wordings.
func (r *realism) pick(n int) int {
	if r == nil || n <= 1 {
		return 0
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.rng[streamWording].IntN(n)
}

// throttle is the answer to a call that realism throttles, in the service's
// own code and words: IAM and STS (query protocol) "Throttling: Rate
// exceeded"; KMS the ThrottlingException of KMS Developer Guide, "Throttling
// AWS KMS requests"; DynamoDB the ThrottlingException of its API Reference's
// common errors. All are in the SDKs' retryable throttle codes.
func (r *realism) throttle(service string) *api.Error {
	if !r.chance(streamThrottle, r.cfg.ThrottleRate) {
		return nil
	}
	switch service {
	case "iam", "sts":
		return &api.Error{Code: "Throttling", Message: "Rate exceeded", Status: http.StatusBadRequest, Sender: true}
	case "dynamodb":
		return api.BadRequest("ThrottlingException", "Rate of requests exceeds the allowed throughput.")
	}
	return api.BadRequest("ThrottlingException", "You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.")
}

// realisticFault asks the test's own fault first, then throttles now and then.
func realisticFault(r *realism, fault func(service, operation string) *api.Error) func(service, operation string) *api.Error {
	return func(service, operation string) *api.Error {
		if fault != nil {
			if err := fault(service, operation); err != nil {
				return err
			}
		}
		return r.throttle(service)
	}
}

// kmsLag is KMS's part of realism: grants late, lists behind deletes.
func (r *realism) kmsLag() kms.Lag {
	if r == nil {
		return kms.Lag{}
	}
	return kms.Lag{
		Grant:  func() time.Duration { return r.delay(streamGrant, r.cfg.Grant) },
		Policy: func() time.Duration { return r.delay(streamKeyPolicy, r.cfg.KeyPolicy) },
		List:   func() time.Duration { return r.delay(streamList, r.cfg.ListLag) },
	}
}

// tableRecovery is DynamoDB's part: a table recovers late from its key.
func (r *realism) tableRecovery() func() time.Duration {
	if r == nil {
		return nil
	}
	return func() time.Duration { return r.delay(streamTable, r.cfg.TableRecovery) }
}
