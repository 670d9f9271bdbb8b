// Package authz is the one place the offline AWS decides whether a caller may
// perform an action: it gathers the caller's identity policies, the resource's
// policy (a KMS key policy or a DynamoDB table's resource-based policy), the KMS grants on a key and the request's
// condition keys, and asks the policy engine. Every service calls it before
// touching state.
package authz

import (
	"context"
	"net/http"

	"kmslab/policy"
	"kmslab/sim/api"
)

// Identities supplies the policies attached to a principal (managed and inline).
type Identities interface {
	IdentityPolicies(p *api.Principal) ([]policy.Named, error)
}

// Boundaries is what Identities also offers when principals may have a permissions
// boundary: the managed policy that caps their identity policies, nil when none.
type Boundaries interface {
	PermissionsBoundary(p *api.Principal) (*policy.Named, error)
}

// Check is one authorization question.
type Check struct {
	Action         string           // "kms:Decrypt"
	Resource       string           // ARN of the resource acted on
	ResourcePolicy *policy.Document // the key policy for KMS keys; nil when the resource has none
	KMS            bool             // the resource is a KMS key: its key policy must allow
	// EncryptionContext is a KMS request's encryption context: it sets the
	// kms:EncryptionContext condition keys and is what grant constraints match.
	EncryptionContext map[string]string
	// Grants are the key's grants to the caller: KMS grants allow in the same
	// evaluation that produces the policy trace.
	Grants  []policy.Grant
	Context policy.Context // the operation's own condition keys (kms:GrantOperations, iam:PolicyARN, ...)
}

// Denied is a refusal, with AWS's wording in Message.
type Denied struct {
	Message string
	Outcome policy.Outcome
}

func (d *Denied) Error() string { return d.Message }

// Authorizer evaluates checks for callers of one account.
type Authorizer struct {
	ids Identities
	env *api.Env
	// pick, when set, chooses which of Wordings a denial is answered in.
	pick func(n int) int
}

// SetPick makes every denial answered in one of Wordings, chosen by pick
// (the realistic mode's seeded choice); nil answers in the first.
func (a *Authorizer) SetPick(pick func(n int) int) { a.pick = pick }

// New returns an authorizer reading identity policies from ids.
func New(env *api.Env, ids Identities) *Authorizer { return &Authorizer{ids: ids, env: env} }

// Authorize decides c for principal p calling directly and returns nil or a
// *Denied. It records nothing: Require does.
func (a *Authorizer) Authorize(ctx context.Context, p *api.Principal, c Check) error {
	return a.decide(p, "", c)
}

// decide is the decision itself: the policies with KMS's rule for keys and
// the key's grants, as policy.Evaluate weighs them. via is the service acting
// for p, or "".
func (a *Authorizer) decide(p *api.Principal, via string, c Check) error {
	if p == nil {
		return &Denied{Message: "no authenticated principal"}
	}
	named, err := a.ids.IdentityPolicies(p)
	if err != nil {
		return err
	}
	var boundary *policy.Named
	if b, ok := a.ids.(Boundaries); ok {
		if boundary, err = b.PermissionsBoundary(p); err != nil {
			return err
		}
	}
	in := policy.Input{
		Request: policy.Request{
			PrincipalARN:     p.ARN,
			PrincipalAccount: p.AccountID,
			RoleARN:          p.RoleARN,
			Action:           c.Action,
			Resource:         c.Resource,
			Context:          a.context(p, via, c),
		},
		Identity:          named,
		Boundary:          boundary,
		Resource:          c.ResourcePolicy,
		KMS:               c.KMS,
		Grants:            c.Grants,
		EncryptionContext: c.EncryptionContext,
	}
	out := policy.Evaluate(in)
	if out.Decision == policy.Allow {
		return nil
	}
	return &Denied{Message: out.Message(p.ARN, c.Action, c.Resource), Outcome: out}
}

// context is every condition key of the request: those AWS sets (the global
// ones, and KMS's for a key), then the check's own.
func (a *Authorizer) context(p *api.Principal, via string, c Check) policy.Context {
	who := policy.Caller{ARN: p.ARN, Account: p.AccountID, RoleARN: p.RoleARN, UserName: p.UserName, UserID: p.UserID}
	ctx := policy.RequestContext(policy.RequestFacts{
		Caller: who,
		Time:   a.env.Now(),
		// kmslab serve listens on plain HTTP only.
		Secure:            false,
		KMS:               c.KMS,
		ViaService:        via,
		EncryptionContext: c.EncryptionContext,
	})
	for k, v := range c.Context {
		ctx[k] = v
	}
	return ctx
}

// Require authorizes the caller of the request in ctx; see RequireFor.
func (a *Authorizer) Require(ctx context.Context, c Check) error {
	return a.RequireFor(ctx, api.RequestFrom(ctx), c)
}

// RequireFor authorizes req's principal (req may be a call a service makes
// for a caller, with Via set), records the resource and the decision on req
// for the audit trail, and turns a denial into the service's AccessDenied
// error: IAM and STS answer 403 AccessDenied, the JSON services 400
// AccessDeniedException.
func (a *Authorizer) RequireFor(ctx context.Context, req *api.Request, c Check) error {
	var p *api.Principal
	via := ""
	if req != nil {
		p, via = req.Principal, req.Via
		if c.Resource != "" {
			req.Touch(c.Resource)
		}
	}
	err := a.decide(p, via, c)
	if req != nil {
		req.Decision = "Allow"
		if err != nil {
			req.Decision = "Deny"
		}
	}
	if d, ok := err.(*Denied); ok {
		msg := d.Message
		if a.pick != nil && req != nil && p != nil {
			if ws := Wordings(req.Service, p.ARN, c.Action, c.Resource, d.Outcome); len(ws) > 1 {
				msg = ws[a.pick(len(ws))]
			}
		}
		return AccessDenied(req, msg)
	}
	return err
}

// AccessDenied is the service-specific access denied error.
func AccessDenied(req *api.Request, msg string) *api.Error {
	if req != nil && (req.Service == "iam" || req.Service == "sts") {
		return api.Errorf(http.StatusForbidden, "AccessDenied", "%s", msg)
	}
	return api.BadRequest("AccessDeniedException", "%s", msg)
}
