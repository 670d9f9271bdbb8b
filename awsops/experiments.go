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
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/smithy-go"

	"kmslab/policy"
)

// Experiment ids: the what-ifs run after part 6. Their texts and expected
// decisions live in package steps; awsops makes each change for real.
const (
	ExpIAMInstead   = "iam-instead"   // IAM policy instead of the key policy
	ExpNoDelegation = "no-delegation" // the same, without the key policy's root statement
	ExpScopedIAM    = "scoped-iam"    // IAM policy with only Decrypt and GenerateDataKey
	ExpExplicitDeny = "explicit-deny" // inline IAM Deny while the key policy allows
	ExpViaDynamoDB  = "via-dynamodb"  // kms:ViaService-conditioned key policy
	ExpGrant        = "grant"         // CreateGrant, then RevokeGrant
	ExpDisableKey   = "disable-key"   // DisableKey, then EnableKey
	ExpCachedKey    = "cached-key"    // revocation waits for DynamoDB's table key cache
	ExpOwnPolicy    = "own-policy"    // the learner's own key policy
)

// Probe names: each check an experiment makes after its change.
const (
	ProbeRead          = "read"             // Scan as the test user, once the change took effect
	ProbeWrite         = "write"            // PutItem as the test user
	ProbeDecrypt       = "decrypt"          // kms Decrypt called directly by the test user
	ProbeReadAtOnce    = "read-at-once"     // Scan as the test user right after the change
	ProbeReadAfter     = "read-after"       // Scan as the test user after the second change (revoke, enable)
	ProbeAdminRead     = "admin-read"       // Scan as the admin
	ProbeAdminDescribe = "admin-describe"   // DescribeTable as the admin
	ProbeAdminAfter    = "admin-read-after" // Scan as the admin after the second change
)

// Decision is whether a call went through.
type Decision string

// Decisions.
const (
	Allowed Decision = "allowed"
	Refused Decision = "denied"
)

// Spec is what awsops needs to run one experiment: its id, the decisions it
// should reach (the targets of the propagation waits; a wrong behaviour still
// shows, as the last answer once the wait gives up) and, for ExpOwnPolicy,
// the learner's key policy.
type Spec struct {
	ID     string
	Want   map[string]Decision // probe name -> expected decision
	Policy string              // ExpOwnPolicy only: the key policy to apply
}

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
}

// Diff is one document an experiment changed, as a unified diff.
type Diff struct {
	Label string `json:"label"` // "key policy", "IAM policy kmslab-abc123-decrypt", ...
	Text  string `json:"text"`
	// Policy is the same change as computed once for every screen, when it is
	// a change to an existing policy document, so the TUI draws it as it
	// draws part 6's diff.
	Policy *PolicyDiff `json:"-"`
}

// Trial is what one experiment did and found.
type Trial struct {
	ID       string        `json:"id"`
	Probes   []Probe       `json:"probes"`
	Diffs    []Diff        `json:"diffs,omitempty"`
	Trace    *Explanation  `json:"trace,omitempty"`
	CacheTTL time.Duration `json:"cache_ttl,omitempty"` // DynamoDB's table key cache, when it mattered
	Notes    []string      `json:"notes,omitempty"`
	// Restored reports that the end-of-part-6 state was put back and read
	// back equal; Mismatch says what differs when it was not.
	Restored bool   `json:"restored"`
	Mismatch string `json:"mismatch,omitempty"`
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
}

// Diff describes how s differs from want, "" when equal.
func (s LabState) Diff(want LabState) string {
	var out []string
	if s.KeyPolicy != want.KeyPolicy {
		out = append(out, "key policy:\n"+DiffPolicies(want.KeyPolicy, s.KeyPolicy).Unified())
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
	return strings.Join(out, "\n")
}

// experimentItemID is the item the scoped-grant experiment writes as the test user.
const experimentItemID = "written-by-test-user"

// State reads the state experiments compare, with the admin's clients.
func (l *Lab) State(ctx context.Context) (LabState, error) {
	const op = "read the lab's state"
	if l.user == nil || l.keyARN == "" {
		return LabState{}, &Error{Op: op, Message: errNoUser.Error(), Hint: "Run parts 1 to 6 first", Err: errNoUser}
	}
	var s LabState
	var err error
	if s.KeyPolicy, err = l.GetKeyPolicy(ctx); err != nil {
		return LabState{}, err
	}
	d, err := l.kms.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(l.keyARN)})
	if err != nil {
		return LabState{}, fail(op, l.keyID, err)
	}
	s.KeyState = string(d.KeyMetadata.KeyState)
	user := aws.String(l.user.Name)
	ap := iam.NewListAttachedUserPoliciesPaginator(l.iam, &iam.ListAttachedUserPoliciesInput{UserName: user})
	for ap.HasMorePages() {
		out, err := ap.NextPage(ctx)
		if err != nil {
			return LabState{}, fail(op, l.user.Name, err)
		}
		for _, p := range out.AttachedPolicies {
			s.Attached = append(s.Attached, aws.ToString(p.PolicyArn))
		}
	}
	ip := iam.NewListUserPoliciesPaginator(l.iam, &iam.ListUserPoliciesInput{UserName: user})
	for ip.HasMorePages() {
		out, err := ip.NextPage(ctx)
		if err != nil {
			return LabState{}, fail(op, l.user.Name, err)
		}
		s.Inline = append(s.Inline, out.PolicyNames...)
	}
	gp := kms.NewListGrantsPaginator(l.kms, &kms.ListGrantsInput{KeyId: aws.String(l.keyARN)})
	for gp.HasMorePages() {
		out, err := gp.NextPage(ctx)
		if err != nil {
			return LabState{}, fail(op, l.keyID, err)
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
		return LabState{}, fail(op, "", err)
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

// experiment is one experiment in progress: what it found, and how to undo
// what it changed.
type experiment struct {
	l     *Lab
	spec  Spec
	trial Trial
	undo  []func(context.Context) error // run last first
}

// RunExperiment makes spec's change for real, probes the result as the test
// user (and the admin where it matters), records the diffs and the
// simulator's explanation, then restores the end-of-part-6 state and checks
// that it was restored. A cancelled ctx stops it without restoring: what it
// created is in the ledger, for Cleanup.
func (l *Lab) RunExperiment(ctx context.Context, spec Spec) (Trial, error) {
	op := "experiment " + spec.ID
	if l.user == nil || l.test == nil || l.keyARN == "" || l.table == nil {
		return Trial{ID: spec.ID}, &Error{Op: op, Message: "the lab has not reached part 6", Hint: "Run parts 1 to 6 first", Err: errNoUser}
	}
	if l.baseline == nil {
		b, err := l.State(ctx)
		if err != nil {
			return Trial{ID: spec.ID}, err
		}
		l.baseline = &b
	}
	e := &experiment{l: l, spec: spec, trial: Trial{ID: spec.ID}}
	if err := l.ensureSample(ctx); err != nil {
		return e.trial, err
	}
	runErr := e.run(ctx)
	if ctx.Err() != nil {
		return e.trial, ctx.Err()
	}
	if err := e.restore(ctx); err != nil {
		return e.trial, errors.Join(runErr, err)
	}
	return e.trial, runErr
}

func (e *experiment) run(ctx context.Context) error {
	l := e.l
	switch e.spec.ID {
	case ExpIAMInstead, ExpNoDelegation, ExpScopedIAM:
		edit := func(p string) (string, error) { return removeKeyUser(p, l.user.ARN) }
		if e.spec.ID == ExpNoDelegation {
			edit = func(p string) (string, error) {
				p, err := removeKeyUser(p, l.user.ARN)
				if err != nil {
					return "", err
				}
				return dropStatement(p, sidRoot)
			}
		}
		if err := e.editKeyPolicy(ctx, edit); err != nil {
			return err
		}
		actions := []string{"kms:Decrypt"}
		if e.spec.ID == ExpScopedIAM {
			actions = []string{"kms:Decrypt", "kms:GenerateDataKey"}
		}
		if err := e.attachManagedPolicy(ctx, l.names.Prefix+"decrypt", identityPolicy("Allow", actions, l.keyARN)); err != nil {
			return err
		}
		e.trace(ctx)
		e.read(ctx, ProbeRead, false)
		if e.spec.ID == ExpScopedIAM {
			e.write(ctx)
		}
		e.decrypt(ctx)
	case ExpExplicitDeny:
		if err := e.putInlinePolicy(ctx, l.names.Prefix+"deny-decrypt", identityPolicy("Deny", []string{"kms:Decrypt"}, "*")); err != nil {
			return err
		}
		e.trace(ctx)
		e.read(ctx, ProbeRead, false)
		e.decrypt(ctx)
	case ExpViaDynamoDB:
		region := l.cfg.Region
		if err := e.editKeyPolicy(ctx, func(p string) (string, error) {
			p, err := removeKeyUser(p, l.user.ARN)
			if err != nil {
				return "", err
			}
			return addStatement(p, viaStatement(l.user.ARN, "dynamodb."+region+".amazonaws.com"))
		}); err != nil {
			return err
		}
		e.trace(ctx)
		e.read(ctx, ProbeRead, false)
		e.decrypt(ctx)
	case ExpGrant:
		if err := e.editKeyPolicy(ctx, func(p string) (string, error) { return removeKeyUser(p, l.user.ARN) }); err != nil {
			return err
		}
		id, err := e.createGrant(ctx)
		if err != nil {
			return err
		}
		e.trace(ctx)
		e.trial.Notes = append(e.trial.Notes, "IAM's policy simulator does not consider grants; the local trace does.")
		e.read(ctx, ProbeRead, false)
		e.decrypt(ctx)
		if err := e.revokeGrant(ctx, id); err != nil {
			return err
		}
		e.read(ctx, ProbeReadAfter, false)
	case ExpDisableKey:
		if err := e.disableKey(ctx); err != nil {
			return err
		}
		e.trace(ctx)
		e.trial.Notes = append(e.trial.Notes,
			"On AWS, DynamoDB keeps serving from its cached table key for up to 5 minutes; after that reads and writes fail, "+
				"the table becomes inaccessible (INACCESSIBLE_ENCRYPTION_CREDENTIALS), and if the key stays unusable for 7 days DynamoDB archives the table.",
			"The offline AWS refuses reads once its cache expires and keeps describing the table; it does not archive it.")
		e.adminRead(ctx, ProbeAdminRead)
		e.adminDescribe(ctx)
		e.read(ctx, ProbeRead, false)
		if err := e.enableKey(ctx); err != nil {
			return err
		}
		e.adminRead(ctx, ProbeAdminAfter)
	case ExpCachedKey:
		// Start from a table key cached just now, so that "at once" is within its life.
		if err := l.sleepOutCache(ctx, cacheUser); err != nil {
			return err
		}
		e.read(ctx, "", false)
		if err := e.editKeyPolicy(ctx, func(p string) (string, error) { return removeKeyUser(p, l.user.ARN) }); err != nil {
			return err
		}
		e.trace(ctx)
		e.read(ctx, ProbeReadAtOnce, true)
		e.read(ctx, ProbeRead, false)
		e.decrypt(ctx)
	case ExpOwnPolicy:
		if err := ValidateKeyPolicy(e.spec.Policy); err != nil {
			return &Error{Op: "apply your key policy", Resource: l.keyID, Message: err.Error(), Hint: "Fix the policy and save again", Err: err}
		}
		if err := e.editKeyPolicy(ctx, func(string) (string, error) { return prettyJSON(e.spec.Policy), nil }); err != nil {
			return err
		}
		e.trace(ctx)
		// The learner's policy has no expected decision: AWS's evaluation is the
		// yardstick, so the probes wait for what the simulator decides.
		// The trace is of the read through DynamoDB; a direct decrypt lacks
		// kms:ViaService, so only the read has an expected decision.
		if e.trial.Trace != nil {
			e.spec.Want = map[string]Decision{ProbeRead: e.trial.Trace.Expected()}
		}
		e.read(ctx, ProbeRead, false)
		e.decrypt(ctx)
	default:
		return &Error{Op: "experiment", Resource: e.spec.ID, Message: "no such experiment", Hint: "Pick one from the list"}
	}
	return nil
}

// restore undoes the experiment's changes, puts back anything else that
// differs from the end of part 6, and reads the state back to compare.
func (e *experiment) restore(ctx context.Context) error {
	l := e.l
	var errs []error
	for i := len(e.undo) - 1; i >= 0; i-- {
		if err := e.undo[i](ctx); err != nil {
			errs = append(errs, err)
		}
	}
	e.undo = nil
	now, err := l.State(ctx)
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	if now.KeyPolicy != l.baseline.KeyPolicy {
		if err := l.putKeyPolicy(ctx, l.baseline.KeyPolicy); err != nil {
			errs = append(errs, err)
		} else if now, err = l.State(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	e.trial.Mismatch = now.Diff(*l.baseline)
	e.trial.Restored = e.trial.Mismatch == "" && len(errs) == 0
	return errors.Join(errs...)
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

func (l *Lab) usedTable(who string) {
	if l.tableUse == nil {
		l.tableUse = map[string]time.Time{}
	}
	l.tableUse[who] = l.now()
}

// CacheTTL is how long DynamoDB may keep a table key cached for a caller.
func (l *Lab) CacheTTL() time.Duration { return l.opts.KeyCacheTTL }

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

// probe runs call until its decision is the wanted one (when a decision is
// wanted) or the wait gives up, and records the last answer.
func (e *experiment) probe(ctx context.Context, name, call string, atOnce bool, do func(context.Context) (Probe, error)) {
	want := e.spec.Want[name]
	var last Probe
	var callErr error
	try := func(ctx context.Context) (bool, error) {
		p, err := do(ctx)
		if err != nil {
			callErr = err
			return false, err
		}
		last, callErr = p, nil
		return want == "" || p.Decision == want, nil
	}
	if atOnce || want == "" {
		_, _ = try(ctx)
	} else if err := e.l.wait(ctx, "RunExperiment", call+" to be "+string(want), try); err != nil && callErr == nil && ctx.Err() == nil {
		e.trial.Notes = append(e.trial.Notes, fmt.Sprintf("%s: still %s when the wait gave up", call, last.Decision))
	}
	if callErr != nil {
		last = Probe{Decision: Refused, Code: apiCode(callErr), Reason: callErr.Error()}
	}
	if name == "" {
		return // a preparatory call, not part of the result
	}
	last.Name, last.Call = name, call
	e.trial.Probes = append(e.trial.Probes, last)
}

// judge turns a call's error into a decision: refusals (access denied, a
// disabled key behind the table) are results, anything else an error.
func judge(err error) (Probe, error) {
	if err == nil {
		return Probe{Decision: Allowed}, nil
	}
	if d := asDenied(err); d != nil {
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
	if d.Action != "" {
		r := d.Action + " on " + d.Resource
		if d.Reason != "" {
			r += " " + d.Reason
		}
		return r
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

// read scans as the test user. Unless atOnce, a read expected to be refused
// first waits out the table key DynamoDB may still hold for the user.
func (e *experiment) read(ctx context.Context, name string, atOnce bool) {
	l := e.l
	if !atOnce && e.spec.Want[name] == Refused {
		if err := l.sleepOutCache(ctx, cacheUser); err != nil {
			return
		}
		e.trial.CacheTTL = l.opts.KeyCacheTTL
	}
	if atOnce {
		e.trial.CacheTTL = l.opts.KeyCacheTTL
	}
	e.probe(ctx, name, "Scan as "+l.user.Name, atOnce, func(ctx context.Context) (Probe, error) {
		items, err := scan(ctx, l.test.ddb, l.names.Table)
		p, err := judge(err)
		if err == nil && p.Decision == Allowed {
			l.usedTable(cacheUser)
			p.Items = len(items)
		}
		return p, err
	})
	if name == ProbeReadAtOnce {
		if p, ok := e.trial.Probe(name); ok && p.Decision == Allowed {
			e.trial.Probes[len(e.trial.Probes)-1].Note = "served from the table key DynamoDB cached for this user"
		}
	}
}

func (e *experiment) write(ctx context.Context) {
	l := e.l
	e.probe(ctx, ProbeWrite, "PutItem as "+l.user.Name, false, func(ctx context.Context) (Probe, error) {
		_, err := l.test.ddb.PutItem(ctx, &dynamodb.PutItemInput{
			TableName: aws.String(l.names.Table),
			Item: map[string]ddbtypes.AttributeValue{
				"id":   &ddbtypes.AttributeValueMemberS{Value: experimentItemID},
				"name": &ddbtypes.AttributeValueMemberS{Value: "written during experiment " + e.spec.ID},
			},
		})
		p, err := judge(err)
		if err == nil && p.Decision == Allowed {
			l.usedTable(cacheUser)
		}
		return p, err
	})
	e.undo = append(e.undo, func(ctx context.Context) error {
		_, err := l.ddb.DeleteItem(ctx, &dynamodb.DeleteItemInput{
			TableName: aws.String(l.names.Table),
			Key:       map[string]ddbtypes.AttributeValue{"id": &ddbtypes.AttributeValueMemberS{Value: experimentItemID}},
		})
		if err != nil {
			return fail("delete the experiment's item", l.names.Table, err)
		}
		return nil
	})
}

// decrypt calls kms Decrypt directly as the test user on a ciphertext the
// admin made: no DynamoDB, no cache, no kms:ViaService.
func (e *experiment) decrypt(ctx context.Context) {
	l := e.l
	e.probe(ctx, ProbeDecrypt, "kms Decrypt as "+l.user.Name, false, func(ctx context.Context) (Probe, error) {
		_, err := l.test.kms.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: l.sample, KeyId: aws.String(l.keyARN)})
		return judge(err)
	})
}

func (e *experiment) adminRead(ctx context.Context, name string) {
	l := e.l
	if e.spec.Want[name] == Refused {
		if err := l.sleepOutCache(ctx, cacheAdmin); err != nil {
			return
		}
		e.trial.CacheTTL = l.opts.KeyCacheTTL
	}
	e.probe(ctx, name, "Scan as the admin", false, func(ctx context.Context) (Probe, error) {
		items, err := scan(ctx, l.ddb, l.names.Table)
		p, err := judge(err)
		if err == nil && p.Decision == Allowed {
			l.usedTable(cacheAdmin)
			p.Items = len(items)
		}
		return p, err
	})
}

func (e *experiment) adminDescribe(ctx context.Context) {
	l := e.l
	e.probe(ctx, ProbeAdminDescribe, "DescribeTable as the admin", false, func(ctx context.Context) (Probe, error) {
		t, err := l.describeTable(ctx, l.ddb)
		p, err := judge(err)
		p.Status = t.Status
		return p, err
	})
}

// trace records IAM's simulation of the test user's kms:Decrypt as the
// experiment left the policies.
func (e *experiment) trace(ctx context.Context) {
	x, err := e.l.Explain(ctx)
	if err != nil {
		e.trial.Notes = append(e.trial.Notes, "no trace: "+err.Error())
		return
	}
	e.trial.Trace = &x
}

// ensureSample has the admin encrypt a short text once, for the direct
// Decrypt probes.
func (l *Lab) ensureSample(ctx context.Context) error {
	if l.sample != nil {
		return nil
	}
	out, err := l.kms.Encrypt(ctx, &kms.EncryptInput{KeyId: aws.String(l.keyARN), Plaintext: []byte("kmslab experiment")})
	if err != nil {
		return fail("encrypt a sample for the experiments", l.keyID, err)
	}
	l.sample = out.CiphertextBlob
	return nil
}

// editKeyPolicy applies edit to the key policy, records the diff and queues
// putting the original back.
func (e *experiment) editKeyPolicy(ctx context.Context, edit func(string) (string, error)) error {
	l := e.l
	raw, err := l.rawKeyPolicy(ctx)
	if err != nil {
		return err
	}
	after, err := edit(raw)
	if err != nil {
		return fail("edit the key policy", l.keyID, err)
	}
	before := prettyJSON(raw)
	after = prettyJSON(after)
	e.undo = append(e.undo, func(ctx context.Context) error { return l.putKeyPolicy(ctx, before) })
	if err := l.putKeyPolicy(ctx, after); err != nil {
		return err
	}
	pd := DiffPolicies(before, after)
	e.trial.Diffs = append(e.trial.Diffs, Diff{Label: "key policy", Text: pd.Unified(), Policy: &pd})
	return nil
}

func (l *Lab) putKeyPolicy(ctx context.Context, policy string) error {
	_, err := l.kms.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: aws.String(l.keyARN), PolicyName: aws.String("default"), Policy: aws.String(policy)})
	if err != nil {
		return fail("put key policy", l.keyID, err)
	}
	return nil
}

// attachManagedPolicy creates a customer managed policy and attaches it to
// the test user, each recorded in the ledger first; undo detaches and deletes.
func (e *experiment) attachManagedPolicy(ctx context.Context, name, doc string) error {
	l := e.l
	const op = "create IAM policy"
	entry, err := l.ledger.plan(KindManagedPolicy, name, "")
	if err != nil {
		return fail(op, name, err)
	}
	e.undo = append(e.undo, func(ctx context.Context) error {
		c := l.cleaner(nil)
		f := c.deleteManagedPolicy(ctx, Leftover{Kind: KindManagedPolicy, Name: name, ARN: l.policyARN(name)})
		if f.Err != nil {
			return f.Err
		}
		return l.ledger.deleted(KindManagedPolicy)
	})
	out, err := l.iam.CreatePolicy(ctx, &iam.CreatePolicyInput{
		PolicyName:     aws.String(name),
		PolicyDocument: aws.String(doc),
		Description:    aws.String("kmslab run " + l.names.RunID + ": experiment " + e.spec.ID),
	})
	if err != nil {
		return fail(op, name, err)
	}
	arn := aws.ToString(out.Policy.Arn)
	if err := l.ledger.created(entry, "", arn); err != nil {
		return fail(op, name, err)
	}
	if _, err := l.iam.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String(l.user.Name), PolicyArn: aws.String(arn)}); err != nil {
		return fail("attach IAM policy", name, err)
	}
	e.trial.Diffs = append(e.trial.Diffs, Diff{Label: "IAM policy " + name + " (new, attached to " + l.user.Name + ")",
		Text: newDocDiff("IAM policy "+name, doc)})
	return nil
}

func (l *Lab) policyARN(name string) string {
	account := ""
	if l.ident != nil {
		account = l.ident.Account
	}
	return "arn:" + l.partition + ":iam::" + account + ":policy/" + name
}

func (e *experiment) putInlinePolicy(ctx context.Context, name, doc string) error {
	l := e.l
	const op = "put inline IAM policy"
	entry, err := l.ledger.plan(KindInlinePolicy, name, l.user.Name)
	if err != nil {
		return fail(op, name, err)
	}
	e.undo = append(e.undo, func(ctx context.Context) error {
		_, err := l.iam.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: aws.String(l.user.Name), PolicyName: aws.String(name)})
		if err != nil && !isCode(err, "NoSuchEntity") {
			return fail("delete inline IAM policy", name, err)
		}
		return l.ledger.deleted(KindInlinePolicy)
	})
	if _, err := l.iam.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(l.user.Name), PolicyName: aws.String(name), PolicyDocument: aws.String(doc)}); err != nil {
		return fail(op, name, err)
	}
	if err := l.ledger.created(entry, "", ""); err != nil {
		return fail(op, name, err)
	}
	e.trial.Diffs = append(e.trial.Diffs, Diff{Label: "inline IAM policy " + name + " (new, on " + l.user.Name + ")",
		Text: newDocDiff("inline policy "+name, doc)})
	return nil
}

func (e *experiment) createGrant(ctx context.Context) (string, error) {
	l := e.l
	name := l.names.Prefix + "grant"
	const op = "create grant"
	entry, err := l.ledger.plan(KindGrant, name, "")
	if err != nil {
		return "", fail(op, name, err)
	}
	out, err := l.kms.CreateGrant(ctx, &kms.CreateGrantInput{
		KeyId:            aws.String(l.keyARN),
		GranteePrincipal: aws.String(l.user.ARN),
		Operations:       []kmstypes.GrantOperation{kmstypes.GrantOperationDecrypt},
		Name:             aws.String(name),
	})
	if err != nil {
		return "", fail(op, name, err)
	}
	id := aws.ToString(out.GrantId)
	if err := l.ledger.created(entry, "", ""); err != nil {
		return "", fail(op, name, err)
	}
	e.undo = append(e.undo, func(ctx context.Context) error { return e.revokeGrant(ctx, id) })
	e.trial.Diffs = append(e.trial.Diffs, Diff{Label: "grants on the key", Text: fmt.Sprintf("+ grant %s: %s may Decrypt\n", name, l.user.Name)})
	return id, nil
}

func (e *experiment) revokeGrant(ctx context.Context, id string) error {
	l := e.l
	_, err := l.kms.RevokeGrant(ctx, &kms.RevokeGrantInput{KeyId: aws.String(l.keyARN), GrantId: aws.String(id)})
	if err != nil && !isCode(err, "NotFoundException", "InvalidGrantIdException") {
		return fail("revoke grant", id, err)
	}
	return l.ledger.deleted(KindGrant)
}

func (e *experiment) disableKey(ctx context.Context) error {
	l := e.l
	e.undo = append(e.undo, e.enableKey)
	if _, err := l.kms.DisableKey(ctx, &kms.DisableKeyInput{KeyId: aws.String(l.keyARN)}); err != nil {
		return fail("disable key", l.keyID, err)
	}
	e.trial.Diffs = append(e.trial.Diffs, Diff{Label: "key state", Text: "- Enabled\n+ Disabled\n"})
	return nil
}

func (e *experiment) enableKey(ctx context.Context) error {
	l := e.l
	if _, err := l.kms.EnableKey(ctx, &kms.EnableKeyInput{KeyId: aws.String(l.keyARN)}); err != nil {
		return fail("enable key", l.keyID, err)
	}
	return nil
}

// identityPolicy is a one-statement IAM policy on the given actions.
func identityPolicy(effect string, actions []string, resource string) string {
	st := object{
		{"Effect", marshalRaw(effect)},
		{"Action", marshalRaw(actions)},
		{"Resource", marshalRaw(resource)},
	}
	doc := object{{"Version", marshalRaw("2012-10-17")}, {"Statement", []byte("[" + string(st.bytes()) + "]")}}
	return prettyJSON(string(doc.bytes()))
}

// Sid of the statement the via-dynamodb experiment adds.
const sidViaDynamoDB = "Allow use through DynamoDB only"

func viaStatement(principal, via string) []byte {
	return object{
		{"Sid", marshalRaw(sidViaDynamoDB)},
		{"Effect", marshalRaw("Allow")},
		{"Principal", object{{"AWS", marshalRaw([]string{principal})}}.bytes()},
		{"Action", marshalRaw([]string{"kms:Decrypt", "kms:DescribeKey"})},
		{"Resource", marshalRaw("*")},
		{"Condition", object{{"StringEquals", object{{string(policy.KeyViaService), marshalRaw(via)}}.bytes()}}.bytes()},
	}.bytes()
}

func newDocDiff(label, doc string) string {
	return policyDiffLabels(label+" (none)", label, "", prettyJSON(doc))
}

// Expected is the decision the explanation predicts for the read through
// DynamoDB: the local evaluation's verdict (policies, grants and key state),
// or IAM's simulator's when there is no local trace.
func (e Explanation) Expected() Decision {
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
