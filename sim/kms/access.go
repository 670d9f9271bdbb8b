package kms

import (
	"context"
	"errors"

	"kmslab/policy"
	"kmslab/sim/api"
	"kmslab/sim/authz"
)

// effectivePolicy is the key policy authorization uses now: a new policy only
// counts once the configured delay has passed, as KMS's eventual consistency
// makes a just-edited key policy take a few seconds to apply.
func (s *Service) effectivePolicy(k *key) *policy.Document {
	if k.prevPolicy != nil && s.env.Now().Before(k.policySet.Add(s.opts.PolicyDelay)) {
		return k.prevPolicy
	}
	return k.policy
}

// setPolicy installs a new key policy; authorization keeps using the one in
// effect now until the delay has passed.
func (s *Service) setPolicy(k *key, text string, doc *policy.Document) {
	if k.policy != nil && s.opts.PolicyDelay > 0 {
		k.prevPolicy = s.effectivePolicy(k)
	} else {
		k.prevPolicy = nil
	}
	k.policyText, k.policy, k.policySet = text, doc, s.env.Now()
}

// encryptionContextKeys are the condition keys KMS sets from a request's encryption context.
func encryptionContextKeys(encCtx map[string]string) policy.Context {
	c := policy.Context{}
	var keys []string
	for k, v := range encCtx {
		c["kms:EncryptionContext:"+k] = []string{v}
		keys = append(keys, k)
	}
	if len(keys) > 0 {
		c["kms:EncryptionContextKeys"] = keys
	}
	return c
}

// check is one key-level authorization question.
type check struct {
	action string // kms:Decrypt
	key    *key
	encCtx map[string]string // for grant constraints and kms:EncryptionContext: keys
	extra  policy.Context
	via    string // service endpoint acting for the caller, e.g. dynamodb.us-east-1.amazonaws.com
}

// authorize decides a key operation for caller: key policy and IAM with KMS's
// rule, then the key's grants, which allow their grantee what policies did not,
// but never what a policy explicitly denies. It returns nil or *authz.Denied.
// Callers hold s.mu.
func (s *Service) authorize(ctx context.Context, caller *api.Principal, c check) error {
	cond := encryptionContextKeys(c.encCtx)
	for k, v := range c.extra {
		cond[k] = v
	}
	if c.via != "" {
		cond["kms:ViaService"] = []string{c.via}
	}
	if caller != nil {
		cond["kms:CallerAccount"] = []string{caller.AccountID}
	}
	return s.az.Authorize(ctx, caller, authz.Check{
		Action:            c.action,
		Resource:          c.key.arn,
		ResourcePolicy:    s.effectivePolicy(c.key),
		KMS:               true,
		Context:           cond,
		Grants:            grantsFor(c.key, caller),
		EncryptionContext: c.encCtx,
	})
}

// grantsFor is the key's grants to caller in the policy engine's terms; nil
// (no allocation) when there are none, the common case.
func grantsFor(k *key, caller *api.Principal) []policy.Grant {
	if caller == nil {
		return nil
	}
	var out []policy.Grant
	for _, g := range k.grants {
		if g.grantee == caller.ARN {
			out = append(out, g.policyGrant())
		}
	}
	return out
}

// policyGrant is the grant as the policy engine evaluates it.
func (g *grant) policyGrant() policy.Grant {
	pg := policy.Grant{ID: g.id, Name: g.name, Grantee: g.grantee, Operations: g.ops}
	if g.constraints {
		pg.EncryptionContextEquals, pg.EncryptionContextSubset = g.ctxEquals, g.ctxSubset
	}
	return pg
}

// actor is who an operation runs for: the caller of a direct request, or a
// caller on whose behalf a service (via) acts. It collects the decision and
// resources for the audit trail.
type actor struct {
	caller    *api.Principal
	via       string       // e.g. dynamodb.us-east-1.amazonaws.com; empty for direct calls
	req       *api.Request // the direct request; nil when a service acts for the caller
	decision  string
	resources []string
}

// direct is the actor of the request in ctx.
func direct(ctx context.Context) *actor {
	a := &actor{req: api.RequestFrom(ctx)}
	if a.req != nil {
		a.caller = a.req.Principal
	}
	return a
}

func (a *actor) touch(arn string) {
	if a.req != nil {
		a.req.Touch(arn)
	}
	for _, r := range a.resources {
		if r == arn {
			return
		}
	}
	a.resources = append(a.resources, arn)
}

// allow authorizes a key operation for a, records the decision, and turns a
// refusal into AccessDeniedException with AWS's wording.
func (s *Service) allow(ctx context.Context, a *actor, c check) error {
	c.via = a.via
	a.touch(c.key.arn)
	err := s.authorize(ctx, a.caller, c)
	a.decision = "Allow"
	if err != nil {
		a.decision = "Deny"
	}
	if a.req != nil {
		a.req.Decision = a.decision
	}
	var d *authz.Denied
	if errors.As(err, &d) {
		return authz.AccessDenied(a.req, d.Message)
	}
	return err
}

// requireIAM authorizes an action whose resource has no key policy
// (CreateKey, ListKeys, ListAliases, an alias): IAM alone decides.
func (s *Service) requireIAM(ctx context.Context, action, resource string) error {
	return s.az.Require(ctx, authz.Check{Action: action, Resource: resource})
}
