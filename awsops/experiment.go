package awsops

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"kmslab/awsops/awserr"
	"kmslab/awsops/explain"
	"kmslab/awsops/ledger"
	"kmslab/awsops/partition"
	"kmslab/awsops/policydoc"
	"kmslab/policy"
)

// Decision is whether a call went through.
type Decision string

// Decisions.
const (
	Allowed Decision = "allowed"
	Refused Decision = "denied"
)

// Probe is one call made as part of an experiment and its answer.
type Probe struct {
	Name     string   `json:"name"`
	Call     string   `json:"call"` // e.g. "Scan as kmslab-user-abc123"
	Decision Decision `json:"decision"`
	Code     string   `json:"code,omitempty"` // the error code of a refusal
	Reason   string   `json:"reason,omitempty"`
	Status   string   `json:"status,omitempty"` // the table status, for DescribeTable
	Items    int      `json:"items,omitempty"`
	Note     string   `json:"note,omitempty"`
	// Trace is the decision on this very call, gathered right after it with
	// the same engine and condition keys: kms:Decrypt (kms:ViaService when
	// through DynamoDB, the key's state, its grants), or DynamoDB's own
	// action on the table (its resource policy taking part) for a
	// DescribeTable and for a call DynamoDB itself refused. TraceError
	// says why it is missing.
	// The JSON carries Told, the trace's decision in words; the whole trace
	// stays out of it.
	Trace      *explain.Trace `json:"-"`
	TraceError string         `json:"traceError,omitempty"`
	// Told is the trace told by policy.Narrate: what every screen and
	// report says about this probe.
	Told *policy.Told `json:"trace,omitempty"`
	// TableTrace is DynamoDB's own decision on a read or write that went on
	// to KMS, when the table has a resource-based policy: the table policy
	// let the call through, the key decided apart (Trace). TableTold is it
	// told by policy.Narrate.
	TableTrace *explain.Trace `json:"-"`
	TableTold  *policy.Told   `json:"table_trace,omitempty"`
}

// Diff is one document an experiment changed, as a unified diff.
type Diff struct {
	Label string `json:"label"` // "key policy", "IAM policy kmslab-abc123-decrypt", ...
	Text  string `json:"text"`
	// Policy is the same change as computed once for every screen, when it is
	// a change to an existing policy document, so the TUI draws it as it
	// draws the grant step's diff.
	Policy *policydoc.Diff `json:"-"`
}

// Trial is what one experiment did and found.
type Trial struct {
	ID       string               `json:"id"`
	Probes   []Probe              `json:"probes"`
	Diffs    []Diff               `json:"diffs,omitempty"`
	Trace    *explain.Explanation `json:"trace,omitempty"`
	CacheTTL time.Duration        `json:"cache_ttl,omitempty"` // DynamoDB's table key cache, when it mattered
	Notes    []string             `json:"notes,omitempty"`
	// Restored reports that the end-of-part-6 state was put back and read
	// back equal; Mismatch says what differs when it was not.
	Restored bool   `json:"restored"`
	Mismatch string `json:"mismatch,omitempty"`
	// Expected are the decisions worked out during the experiment
	// (Experiment.Expect), which take the place of the declared ones.
	Expected map[string]Decision `json:"expected,omitempty"`
}

// Probe returns the named probe, if the trial made it.
func (t Trial) Probe(name string) (Probe, bool) {
	for _, p := range t.Probes {
		if p.Name == name {
			return p, true
		}
	}
	return Probe{}, false
}

// LabState is what experiments change and restore: compared before and
// after each one.
type LabState struct {
	KeyPolicy string   // pretty-printed
	KeyState  string   // Enabled, Disabled
	Attached  []string // managed policy ARNs attached to the test user, sorted
	Inline    []string // inline policy names of the test user, sorted
	Grants    []string // "name grantee ops" of the key's grants, sorted
	Policies  []string // the run's customer managed policies, sorted
	ItemIDs   []string // the table's item ids, sorted
	// TablePolicy is the table's resource-based policy, pretty-printed; ""
	// when it has none.
	TablePolicy string
}

// Diff describes how s differs from want, "" when equal.
func (s LabState) Diff(want LabState) string {
	var out []string
	if s.KeyPolicy != want.KeyPolicy {
		out = append(out, "key policy:\n"+policydoc.DiffPolicies(want.KeyPolicy, s.KeyPolicy).Unified())
	}
	if s.KeyState != want.KeyState {
		out = append(out, fmt.Sprintf("key state %s, want %s", s.KeyState, want.KeyState))
	}
	cmp := func(what string, got, w []string) {
		if !slices.Equal(got, w) {
			out = append(out, fmt.Sprintf("%s %v, want %v", what, got, w))
		}
	}
	cmp("attached policies", s.Attached, want.Attached)
	cmp("inline policies", s.Inline, want.Inline)
	cmp("grants", s.Grants, want.Grants)
	cmp("customer managed policies", s.Policies, want.Policies)
	cmp("items", s.ItemIDs, want.ItemIDs)
	if s.TablePolicy != want.TablePolicy {
		out = append(out, "table policy:\n"+policydoc.DiffPolicies(want.TablePolicy, s.TablePolicy).Unified())
	}
	return strings.Join(out, "\n")
}

// experimentItemID is the item a PutItem probe writes.
const experimentItemID = "written-by-test-user"

// State reads the state experiments compare, with the admin's clients.
func (l *Lab) State(ctx context.Context) (LabState, error) {
	const op = "read the lab's state"
	if l.user == nil || l.keyARN == "" {
		return LabState{}, &awserr.Error{Op: op, Message: errNoUser.Error(), Hint: "Run the lab's parts first", Err: errNoUser}
	}
	var s LabState
	var err error
	if s.KeyPolicy, err = l.GetKeyPolicy(ctx); err != nil {
		return LabState{}, err
	}
	d, err := l.kms.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(l.keyARN)})
	if err != nil {
		return LabState{}, awserr.Fail(op, l.keyID, err)
	}
	s.KeyState = string(d.KeyMetadata.KeyState)
	user := aws.String(l.user.Name)
	ap := iam.NewListAttachedUserPoliciesPaginator(l.iam, &iam.ListAttachedUserPoliciesInput{UserName: user})
	for ap.HasMorePages() {
		out, err := ap.NextPage(ctx)
		if err != nil {
			return LabState{}, awserr.Fail(op, l.user.Name, err)
		}
		for _, p := range out.AttachedPolicies {
			s.Attached = append(s.Attached, aws.ToString(p.PolicyArn))
		}
	}
	ip := iam.NewListUserPoliciesPaginator(l.iam, &iam.ListUserPoliciesInput{UserName: user})
	for ip.HasMorePages() {
		out, err := ip.NextPage(ctx)
		if err != nil {
			return LabState{}, awserr.Fail(op, l.user.Name, err)
		}
		s.Inline = append(s.Inline, out.PolicyNames...)
	}
	gp := kms.NewListGrantsPaginator(l.kms, &kms.ListGrantsInput{KeyId: aws.String(l.keyARN)})
	for gp.HasMorePages() {
		out, err := gp.NextPage(ctx)
		if err != nil {
			return LabState{}, awserr.Fail(op, l.keyID, err)
		}
		for _, g := range out.Grants {
			ops := make([]string, len(g.Operations))
			for i, o := range g.Operations {
				ops[i] = string(o)
			}
			s.Grants = append(s.Grants, aws.ToString(g.Name)+" "+aws.ToString(g.GranteePrincipal)+" "+strings.Join(ops, ","))
		}
	}
	if s.Policies, err = l.runPolicies(ctx); err != nil {
		return LabState{}, awserr.Fail(op, "", err)
	}
	if s.TablePolicy, err = l.tablePolicy(ctx); err != nil {
		return LabState{}, err
	}
	items, err := l.ScanAsAdmin(ctx)
	if err != nil {
		return LabState{}, err
	}
	for _, it := range items {
		s.ItemIDs = append(s.ItemIDs, it.Get("id"))
	}
	for _, list := range [][]string{s.Attached, s.Inline, s.Grants, s.Policies, s.ItemIDs} {
		slices.Sort(list)
	}
	return s, nil
}

// runPolicies lists the account's customer managed policies named for this run.
func (l *Lab) runPolicies(ctx context.Context) ([]string, error) {
	var out []string
	p := iam.NewListPoliciesPaginator(l.iam, &iam.ListPoliciesInput{Scope: "Local"})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list policies: %w", err)
		}
		for _, pol := range page.Policies {
			if strings.HasPrefix(aws.ToString(pol.PolicyName), l.names.Prefix) {
				out = append(out, aws.ToString(pol.PolicyName))
			}
		}
	}
	return out, nil
}

// Experiment is one experiment in progress: the handle its change is made
// through. Each building block (EditKeyPolicy, AttachPolicy, CreateGrant,
// SetKeyEnabled, Probe ...) records what it changed in the trial, queues
// its undo, and writes what it creates to the ledger first.
type Experiment struct {
	l     *Lab
	id    string
	want  map[string]Decision
	trial Trial
	undo  []func(context.Context) error // run last first
	// second and reencrypted are the envelope lab's second key and what
	// its ReEncrypt probe produced.
	second      string
	reencrypted []byte
	// grantTokens are the tokens of the grants the experiment created and
	// has not revoked: a direct KMS call passes them, so a new grant works
	// at once rather than once it has propagated (up to five minutes,
	// https://docs.aws.amazon.com/kms/latest/developerguide/grant-tokens.html).
	grantTokens map[string]string // grant id -> token
	// kmsTouched makes the probes wait as long as a KMS change (a key
	// policy, a grant: a call through DynamoDB cannot carry a grant token)
	// can take.
	kmsTouched bool
}

// RunExperiment runs do as experiment id, then restores the end-of-part-6
// state and checks that it was restored. want holds the decisions the
// probes should reach: the targets of the propagation waits (a wrong
// behaviour still shows, as the last answer once the wait gives up). A
// cancelled ctx stops it without restoring: what it created is in the
// ledger, for Cleanup.
func (l *Lab) RunExperiment(ctx context.Context, id string, want map[string]Decision, do func(context.Context, *Experiment) error) (Trial, error) {
	op := "experiment " + id
	if l.user == nil || l.test == nil || l.keyARN == "" || l.table == nil {
		return Trial{ID: id}, &awserr.Error{Op: op, Message: "the lab has no key, table and test user yet", Hint: "Run the lab's parts first", Err: errNoUser}
	}
	if l.baseline == nil {
		b, err := l.State(ctx)
		if err != nil {
			return Trial{ID: id}, err
		}
		l.baseline = &b
	}
	w := maps.Clone(want)
	if w == nil {
		w = map[string]Decision{}
	}
	e := &Experiment{l: l, id: id, want: w, trial: Trial{ID: id}}
	if err := l.ensureSample(ctx); err != nil {
		return e.trial, err
	}
	runErr := do(ctx, e)
	if ctx.Err() != nil {
		return e.trial, ctx.Err()
	}
	if err := e.restore(ctx); err != nil {
		return e.trial, errors.Join(runErr, err)
	}
	return e.trial, runErr
}

// UserARN is the test user's ARN.
func (e *Experiment) UserARN() string { return e.l.user.ARN }

// UserName is the test user's name.
func (e *Experiment) UserName() string { return e.l.user.Name }

// KeyARN is the lab key's ARN.
func (e *Experiment) KeyARN() string { return e.l.keyARN }

// Names are the run's resource names.
func (e *Experiment) Names() ledger.Names { return e.l.names }

// ViaService is the endpoint a service acting for the caller shows KMS
// (kms:ViaService), e.g. "dynamodb" -> "dynamodb.us-east-1.amazonaws.com".
func (e *Experiment) ViaService(service string) string {
	return partition.ViaService(service, e.l.cfg.Region, e.l.partition)
}

// Note adds a line the result shows under the probes.
func (e *Experiment) Note(s string) { e.trial.Notes = append(e.trial.Notes, s) }

// Expect sets the decision a probe should reach, for one worked out during
// the experiment (from the learner's own policy).
func (e *Experiment) Expect(probe string, d Decision) {
	e.want[probe] = d
	if e.trial.Expected == nil {
		e.trial.Expected = map[string]Decision{}
	}
	e.trial.Expected[probe] = d
}

// AdminIsRoot reports whether the lab runs as the account root: the key
// policy then names the account itself as key administrator and user,
// which delegates to IAM as "Enable IAM User Permissions" does.
func (e *Experiment) AdminIsRoot() bool {
	return e.l.ident != nil && callerKind(e.l.ident.ARN) == callerRoot
}

// Trace records IAM's simulation and the local trace of the test user's
// kms:Decrypt through DynamoDB, as the experiment left the policies.
func (e *Experiment) Trace(ctx context.Context) *explain.Explanation {
	x, err := e.l.Explain(ctx)
	if err != nil {
		e.Note("no trace: " + err.Error())
		return nil
	}
	e.trial.Trace = &x
	return &x
}

// restore undoes the experiment's changes, puts back anything else that
// differs from the lab's baseline, and reads the state back to compare.
func (e *Experiment) restore(ctx context.Context) error {
	l := e.l
	var errs []error
	for i := len(e.undo) - 1; i >= 0; i-- {
		if err := e.undo[i](ctx); err != nil {
			errs = append(errs, err)
		}
	}
	e.undo = nil
	// IAM and KMS show an undone change late (lists lag behind deletes; a
	// revoked grant can take up to five minutes to go, per
	// https://docs.aws.amazon.com/kms/latest/developerguide/grants.html#terms-eventual-consistency):
	// the check polls until the state matches or the wait ends.
	var now LabState
	fixed := false
	err := l.waitFor(ctx, "RunExperiment", "AWS to show the lab as it was before the experiment", l.opts.KMSTimeout, func(ctx context.Context) (bool, error) {
		var err error
		if now, err = l.State(ctx); err != nil {
			return false, err
		}
		if now.KeyPolicy != l.baseline.KeyPolicy && !fixed {
			// Put back a key policy that differs for a reason other than an
			// undo: once, then leave the rest to the wait.
			fixed = true
			if err := l.putKeyPolicy(ctx, l.baseline.KeyPolicy); err != nil {
				return false, err
			}
			return false, nil
		}
		return now.Diff(*l.baseline) == "", nil
	})
	var we *awserr.WaitError
	if err != nil && !errors.As(err, &we) {
		errs = append(errs, err)
	}
	e.trial.Mismatch = now.Diff(*l.baseline)
	e.trial.Restored = e.trial.Mismatch == "" && len(errs) == 0
	return errors.Join(errs...)
}

// ensureSample has the admin encrypt a short text once, for the direct
// Decrypt probes.
func (l *Lab) ensureSample(ctx context.Context) error {
	if l.sample != nil {
		return nil
	}
	out, err := l.kms.Encrypt(ctx, &kms.EncryptInput{KeyId: aws.String(l.keyARN), Plaintext: []byte("kmslab experiment")})
	if err != nil {
		return awserr.Fail("encrypt a sample for the experiments", l.keyID, err)
	}
	l.sample = out.CiphertextBlob
	return nil
}

// Expected is the decision the explanation predicts for the read through
// DynamoDB: the local evaluation's verdict (policies, grants and key state),
// or IAM's simulator's when there is no local trace.
func Expected(e *explain.Explanation) Decision {
	if e.Trace != nil && e.Trace.Trace != nil {
		if e.Trace.Verdict() == "Allowed" {
			return Allowed
		}
		return Refused
	}
	if e.Decision == "allowed" {
		return Allowed
	}
	return Refused
}
