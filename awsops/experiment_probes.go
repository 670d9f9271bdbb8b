package awsops

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/smithy-go"

	"kmslab/awsops/awserr"
	"kmslab/awsops/explain"
	"kmslab/policy"
)

// Principal is who makes a probe's call.
type Principal int

// The lab's two principals.
const (
	AsTestUser Principal = iota // the lab's test user, signed with its own access key
	AsAdmin                     // whoever runs the lab
)

// Call is what a probe asks AWS.
type Call int

// The calls a probe can make.
const (
	CallScan          Call = iota // DynamoDB Scan: KMS decrypts the table key as the caller, through DynamoDB
	CallPutItem                   // DynamoDB PutItem of the experiment's own item
	CallDecrypt                   // kms Decrypt called directly on a sample the admin encrypted: no DynamoDB, no cache
	CallDescribeTable             // DynamoDB DescribeTable: metadata, no key needed
)

// ProbeSpec is one call an experiment makes after its change.
type ProbeSpec struct {
	// Name is the probe's name in the trial (the key of the expected
	// decisions); "" for a preparatory call, not recorded.
	Name string
	As   Principal
	Call Call
	// AtOnce makes the call once, right now: no waiting for propagation nor
	// for a table key DynamoDB may have cached for the caller to expire.
	AtOnce bool
}

// Table key cache: DynamoDB keeps a table key it decrypted for a caller and
// uses it without asking KMS again until it expires, so a revoked permission
// only bites once the cache has run out. The lab tracks each principal's
// last successful table operation: the entry cannot outlive it by more than
// the TTL.
const (
	cacheUser  = "test user"
	cacheAdmin = "admin"
)

func (p Principal) cacheName() string {
	if p == AsAdmin {
		return cacheAdmin
	}
	return cacheUser
}

func (l *Lab) usedTable(who string) {
	if l.tableUse == nil {
		l.tableUse = map[string]time.Time{}
	}
	l.tableUse[who] = l.now()
}

// CacheTTL is how long DynamoDB may keep a table key cached for a caller.
func (l *Lab) CacheTTL() time.Duration { return l.opts.KeyCacheTTL }

// WaitOutCache waits until the table key DynamoDB may have cached for who
// must have expired.
func (e *Experiment) WaitOutCache(ctx context.Context, who Principal) error {
	return e.l.sleepOutCache(ctx, who.cacheName())
}

// sleepOutCache waits until the table key cached for who must have expired.
func (l *Lab) sleepOutCache(ctx context.Context, who string) error {
	last, ok := l.tableUse[who]
	if !ok {
		return nil
	}
	until := last.Add(l.opts.KeyCacheTTL + l.opts.KeyCacheTTL/10)
	d := until.Sub(l.now())
	if d <= 0 {
		return nil
	}
	l.progress(Progress{Step: "RunExperiment", Message: fmt.Sprintf("waiting %s for DynamoDB's table key cached for the %s to expire (TTL %s)",
		d.Round(time.Second), who, l.opts.KeyCacheTTL)})
	if err := l.opts.Sleep(ctx, d); err != nil {
		return err
	}
	delete(l.tableUse, who)
	return nil
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Probe makes one call as a principal and records its answer, with the
// trace of that very call. Unless AtOnce, a call expected to be refused
// first waits out the table key DynamoDB may still hold for the caller, and
// a call with an expected decision is retried until it reaches it (IAM and
// KMS propagate changes) or the wait gives up. A preparatory probe (no
// Name) returns false: it is not recorded.
func (e *Experiment) Probe(ctx context.Context, p ProbeSpec) (Probe, bool) {
	l := e.l
	want := e.want[p.Name]
	if p.Call == CallScan && !p.AtOnce && want == Refused {
		if err := l.sleepOutCache(ctx, p.As.cacheName()); err != nil {
			return Probe{}, false
		}
		e.trial.CacheTTL = l.opts.KeyCacheTTL
	}
	if p.Call == CallScan && p.AtOnce {
		e.trial.CacheTTL = l.opts.KeyCacheTTL
	}
	call, do := e.call(p)
	if p.Call == CallPutItem {
		e.undo = append(e.undo, e.deleteItem)
	}
	var last Probe
	var callErr error
	// A read through DynamoDB that is still allowed while the change that
	// should refuse it propagates also renews the table key DynamoDB
	// caches for the caller: the next try must wait that out again, or it
	// would only ever meet the cache. The wait allows one such round.
	throughTable := (p.Call == CallScan || p.Call == CallPutItem) && want == Refused
	limit := e.probeLimit()
	if throughTable {
		limit += l.opts.KeyCacheTTL + l.opts.KeyCacheTTL/10
	}
	try := func(ctx context.Context) (bool, error) {
		r, err := do(ctx)
		if err != nil {
			callErr = err
			return false, err
		}
		last, callErr = r, nil
		done := want == "" || r.Decision == want
		if !done && throughTable && r.Decision == Allowed {
			if err := l.sleepOutCache(ctx, p.As.cacheName()); err != nil {
				return false, err
			}
		}
		return done, nil
	}
	if p.AtOnce || want == "" {
		_, _ = try(ctx)
	} else if err := l.waitFor(ctx, "RunExperiment", call+" to be "+string(want), limit, try); err != nil && callErr == nil && ctx.Err() == nil {
		e.Note(fmt.Sprintf("%s: still %s when the wait gave up", call, last.Decision))
	}
	if callErr != nil {
		last = Probe{Decision: Refused, Code: awserr.Code(callErr), Reason: callErr.Error()}
	}
	if p.Name == "" {
		return last, false // a preparatory call, not part of the result
	}
	cached := p.Call == CallScan && p.AtOnce && last.Decision == Allowed
	if cached {
		last.Note = "served from the table key DynamoDB cached for this user"
	}
	last.Name, last.Call = p.Name, call
	if ctx.Err() == nil {
		e.traceProbe(ctx, p, &last)
		if last.Trace != nil && last.Trace.Trace != nil {
			// The read never reached KMS: DynamoDB's cache decided it,
			// and the trace says so as its deciding step.
			if cached {
				last.Trace.Cached = &policy.Cached{Service: "DynamoDB", Key: "the table key"}
			}
			told := policy.Narrate(last.Trace.Trace)
			last.Told = &told
		}
	}
	e.trial.Probes = append(e.trial.Probes, last)
	return last, true
}

// call is the probe's label and the call itself, judged.
func (e *Experiment) call(spec ProbeSpec) (string, func(context.Context) (Probe, error)) {
	l := e.l
	who, ddb, kc := "the admin", l.ddb, l.kms
	if spec.As == AsTestUser {
		who, ddb, kc = l.user.Name, l.test.ddb, l.test.kms
	}
	used := func(p Probe, err error) (Probe, error) {
		if err == nil && p.Decision == Allowed {
			l.usedTable(spec.As.cacheName())
		}
		return p, err
	}
	switch spec.Call {
	case CallPutItem:
		return "PutItem as " + who, func(ctx context.Context) (Probe, error) {
			_, err := ddb.PutItem(ctx, &dynamodb.PutItemInput{
				TableName: aws.String(l.names.Table),
				Item: map[string]ddbtypes.AttributeValue{
					"id":   &ddbtypes.AttributeValueMemberS{Value: experimentItemID},
					"name": &ddbtypes.AttributeValueMemberS{Value: "written during experiment " + e.id},
				},
			})
			return used(judge(err, l.tableNeed(spec.As)))
		}
	case CallDecrypt:
		return "kms Decrypt as " + who, func(ctx context.Context) (Probe, error) {
			_, err := kc.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: l.sample, KeyId: aws.String(l.keyARN), GrantTokens: e.tokens()})
			return judge(err, l.kmsNeed(spec.As, "kms:Decrypt", l.keyARN))
		}
	case CallDescribeTable:
		return "DescribeTable as " + who, func(ctx context.Context) (Probe, error) {
			t, err := l.describeTable(ctx, ddb)
			r, err := judge(err, need{principal: l.kmsNeed(spec.As, "", "").principal, action: "dynamodb:DescribeTable", resource: l.tableARN()})
			r.Status = t.Status
			return r, err
		}
	}
	return "Scan as " + who, func(ctx context.Context) (Probe, error) {
		items, err := scan(ctx, ddb, l.names.Table)
		r, err := used(judge(err, l.tableNeed(spec.As)))
		if err == nil && r.Decision == Allowed {
			r.Items = len(items)
		}
		return r, err
	}
}

// probeLimit bounds a probe's wait for its expected decision.
func (e *Experiment) probeLimit() time.Duration {
	if e.kmsTouched {
		return e.l.opts.KMSTimeout
	}
	return e.l.opts.WaitTimeout
}

// tokens are the live grants' tokens, for the KMS calls that accept them.
func (e *Experiment) tokens() []string {
	out := make([]string, 0, len(e.grantTokens))
	for _, t := range e.grantTokens {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

// traceProbe explains the probe's own decision, gathered now, as the call
// was made: kms:Decrypt by its principal, through DynamoDB or directly; for
// a DescribeTable, DynamoDB's decision on the table.
func (e *Experiment) traceProbe(ctx context.Context, p ProbeSpec, out *Probe) {
	l := e.l
	principal := l.user.ARN
	if p.As == AsAdmin {
		if l.ident == nil {
			return
		}
		principal = l.ident.ARN
	}
	ex := l.explainer()
	r := explain.TraceRequest{Principal: principal, Action: "kms:Decrypt", Key: l.keyARN}
	var table *explain.Trace // DynamoDB's own decision on a read or write
	switch p.Call {
	case CallDescribeTable:
		// Metadata needs no key: DynamoDB's own decision is the whole
		// story, the table's resource-based policy taking part.
		r = explain.TraceRequest{Principal: principal, Action: "dynamodb:DescribeTable", Table: l.table.ARN}
	case CallScan, CallPutItem:
		r.Via = "dynamodb"
		// Which of the two refused a read is not in the answer's code (it
		// is AccessDeniedException either way, and the wording varies):
		// the lab evaluates DynamoDB's own decision from the documents. If
		// it refuses, DynamoDB never asked KMS, and its decision is the story.
		action := "dynamodb:Scan"
		if p.Call == CallPutItem {
			action = "dynamodb:PutItem"
		}
		tt, err := ex.Explain(ctx, explain.TraceRequest{Principal: principal, Action: action, Table: l.table.ARN})
		if err == nil && tt.Trace != nil {
			table = tt
			if out.Decision == Refused && !policy.Narrate(tt.Trace).Allowed {
				r, table = explain.TraceRequest{Principal: principal, Action: action, Table: l.table.ARN}, nil
			}
		}
	}
	tr, err := ex.Explain(ctx, r)
	if err != nil {
		out.TraceError = err.Error()
		return
	}
	out.Trace = tr
	// A read or write that reached KMS on a table with a policy also tells
	// DynamoDB's decision: which of the two let the call through and which
	// refused it is then told apart.
	if table != nil && table.Policy(policy.KindResource) != nil {
		told := policy.Narrate(table.Trace)
		out.TableTrace, out.TableTold = table, &told
	}
}

func (e *Experiment) deleteItem(ctx context.Context) error {
	l := e.l
	_, err := l.ddb.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName: aws.String(l.names.Table),
		Key:       map[string]ddbtypes.AttributeValue{"id": &ddbtypes.AttributeValueMemberS{Value: experimentItemID}},
	})
	if err != nil {
		return awserr.Fail("delete the experiment's item", l.names.Table, err)
	}
	return nil
}

// judge turns a call's error into a decision: refusals (access denied, a
// disabled key behind the table) are results, anything else an error.
func judge(err error, n need) (Probe, error) {
	if err == nil {
		return Probe{Decision: Allowed}, nil
	}
	if d := asDenied(err, n); d != nil {
		return Probe{Decision: Refused, Code: d.Code, Reason: refusalReason(d)}, nil
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "ValidationException", "DisabledException", "KMSInvalidStateException", "KMSInvalidStateFault":
			return Probe{Decision: Refused, Code: ae.ErrorCode(), Reason: firstSentence(ae.ErrorMessage())}, nil
		}
	}
	return Probe{}, err
}

func refusalReason(d *Denied) string {
	if d.Action != "" && d.Resource != "" {
		return d.Action + " on " + d.Resource
	}
	return firstSentence(d.Message)
}

// firstSentence keeps an AWS message short enough for one line: DynamoDB
// quotes KMS's whole Java exception.
func firstSentence(s string) string {
	if i := strings.Index(s, " (Service:"); i >= 0 {
		s = s[:i]
	}
	if i := strings.LastIndex(s, "Exception: "); i >= 0 {
		s = s[i+len("Exception: "):]
	}
	return strings.TrimSpace(s)
}
