package sim

import (
	"context"
	"net/url"
	"sync"
	"time"

	"kmslab/policy"
	"kmslab/sim/api"
	"kmslab/sim/iam"
)

// iamView is IAM as its reads and every authorization see it in the
// realistic mode: the account as it was a seeded while ago. Writes go to the
// primary IAM at once; after each one a copy of the primary waits in
// pending until its visibleAt, when it becomes what reads, authentication,
// authorization and KMS's principal checks see. So a change, and every change
// before it, shows at once and in order, as from one replica that lags.
//
// A write whose answer depends on what it finds (a user to attach to, a
// policy with no attachments left) is checked against the view first
// (iam.Service.Stale): right after CreateUser, AttachUserPolicy may answer
// NoSuchEntity; right after the last DetachUserPolicy, DeleteUser may answer
// DeleteConflict, as AWS has been seen to.
//
// Without realism none of this exists: the primary is used directly.
type iamView struct {
	primary *iam.Service
	env     *api.Env
	r       *realism

	mu      sync.Mutex
	current *iam.Service // nil until start: the primary is the view
	ops     map[string]api.QueryHandler
	pending []pendingIAM // visibleAt never decreases
}

type pendingIAM struct {
	visibleAt time.Time
	svc       *iam.Service
}

func newIAMView(primary *iam.Service, env *api.Env, r *realism) *iamView {
	return &iamView{primary: primary, env: env, r: r}
}

// start makes the view a copy of the primary as it is now (the bootstrap
// admin, or the account a data dir restored): from here on, writes lag.
func (v *iamView) start() error {
	c, err := v.primary.Copy()
	if err != nil {
		return err
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	v.current, v.ops = c, c.Handlers()
	return nil
}

// now is the IAM the view shows at this moment, with its handlers.
func (v *iamView) now() (*iam.Service, map[string]api.QueryHandler) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.current == nil {
		return v.primary, nil
	}
	t := v.env.Now()
	i := 0
	for i < len(v.pending) && !t.Before(v.pending[i].visibleAt) {
		i++
	}
	if i > 0 {
		v.current = v.pending[i-1].svc
		v.ops = v.current.Handlers()
		v.pending = append(v.pending[:0], v.pending[i:]...)
	}
	return v.current, v.ops
}

// wrote queues a copy of the primary after a write, visible after a seeded
// delay, never before an earlier write's.
func (v *iamView) wrote() error {
	c, err := v.primary.Copy()
	if err != nil {
		return err
	}
	at := v.env.Now().Add(v.r.delay(streamIAM, v.r.cfg.IAM))
	v.mu.Lock()
	defer v.mu.Unlock()
	if n := len(v.pending); n > 0 && at.Before(v.pending[n-1].visibleAt) {
		at = v.pending[n-1].visibleAt
	}
	v.pending = append(v.pending, pendingIAM{visibleAt: at, svc: c})
	return nil
}

// handlers are IAM's operations in the realistic mode: reads answered by the
// view, writes by the primary, after the view's stale answer if it has one.
// writeMu keeps a write and the copy taken after it together.
func (v *iamView) handlers(writeMu *sync.Mutex) map[string]api.QueryHandler {
	out := map[string]api.QueryHandler{}
	for op, h := range v.primary.Handlers() {
		if isReadOnly(op) {
			out[op] = func(ctx context.Context, form url.Values) (any, error) {
				_, ops := v.now()
				if ops == nil {
					return h(ctx, form)
				}
				return ops[op](ctx, form)
			}
			continue
		}
		out[op] = func(ctx context.Context, form url.Values) (any, error) {
			writeMu.Lock()
			defer writeMu.Unlock()
			view, _ := v.now()
			if err := v.primary.Stale(view, op, form); err != nil {
				return nil, err
			}
			res, err := h(ctx, form)
			if err == nil {
				if werr := v.wrote(); werr != nil {
					return nil, werr
				}
			}
			return res, err
		}
	}
	return out
}

// LookupAccessKey authenticates with the keys the view knows; a role
// session's (ASIA) with the primary's, since STS issues them at once.
func (v *iamView) LookupAccessKey(id string) (string, *api.Principal, bool) {
	if len(id) >= 4 && id[:4] == "ASIA" {
		return v.primary.LookupAccessKey(id)
	}
	s, _ := v.now()
	return s.LookupAccessKey(id)
}

// IdentityPolicies are the view's: authorization lags with reads.
func (v *iamView) IdentityPolicies(p *api.Principal) ([]policy.Named, error) {
	s, _ := v.now()
	return s.IdentityPolicies(p)
}

// PermissionsBoundary is the view's.
func (v *iamView) PermissionsBoundary(p *api.Principal) (*policy.Named, error) {
	s, _ := v.now()
	return s.PermissionsBoundary(p)
}

// PrincipalExists is the view's: KMS refuses a key policy naming a
// principal it cannot see yet (KMS API Reference, CreateKey and PutKeyPolicy,
// Policy: "you might need to enforce a delay before including the new
// principal in a key policy because the new principal might not be
// immediately visible to KMS").
func (v *iamView) PrincipalExists(arn string) bool {
	s, _ := v.now()
	return s.PrincipalExists(arn)
}

// RecordKeyUse and VerifySession are the primary's: they are where a key was
// used and the sessions STS issued.
func (v *iamView) RecordKeyUse(accessKeyID, service, region string, at time.Time) {
	v.primary.RecordKeyUse(accessKeyID, service, region, at)
}

func (v *iamView) VerifySession(accessKeyID, token string) (ok, expired bool) {
	return v.primary.VerifySession(accessKeyID, token)
}

var (
	_ CredentialStore = (*iamView)(nil)
	_ UsageRecorder   = (*iamView)(nil)
	_ SessionVerifier = (*iamView)(nil)
)

// AssumeRole is STS's: a role the view does not have yet refuses to be
// assumed, in the words of the view's own refusal (AWS answers AccessDenied,
// never whether the role exists); otherwise the primary issues the session,
// which is usable at once.
func (v *iamView) AssumeRole(ctx context.Context, form url.Values) (any, error) {
	view, _ := v.now()
	if _, found := view.Role(form.Get("RoleArn")); !found && view != v.primary {
		return view.AssumeRole(ctx, form)
	}
	return v.primary.AssumeRole(ctx, form)
}
