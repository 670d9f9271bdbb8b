package kms

import (
	"context"
	"errors"
	"strings"

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
	err := s.az.Authorize(ctx, caller, authz.Check{
		Action:         c.action,
		Resource:       c.key.arn,
		ResourcePolicy: s.effectivePolicy(c.key),
		KMS:            true,
		Context:        cond,
	})
	var d *authz.Denied
	if err == nil || !errors.As(err, &d) || caller == nil {
		return err
	}
	if d.Outcome.Reason == policy.ExplicitDenyIdentity || d.Outcome.Reason == policy.ExplicitDenyResource {
		return err
	}
	op := strings.TrimPrefix(c.action, "kms:")
	for _, g := range c.key.grants {
		if g.grantee == caller.ARN && g.allows(op, c.encCtx) {
			return nil
		}
	}
	return err
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

// allows reports whether the grant permits op under its encryption context constraints.
func (g *grant) allows(op string, encCtx map[string]string) bool {
	found := false
	for _, o := range g.ops {
		if o == op {
			found = true
			break
		}
	}
	if !found {
		return false
	}
	if !g.constraints || !constrained(op) {
		return true
	}
	// Grant constraint keys are case-insensitive, values case-sensitive.
	fold := map[string]string{}
	for k, v := range encCtx {
		fold[strings.ToLower(k)] = v
	}
	if g.ctxEquals != nil {
		if len(g.ctxEquals) != len(fold) {
			return false
		}
		for k, v := range g.ctxEquals {
			if got, ok := fold[strings.ToLower(k)]; !ok || got != v {
				return false
			}
		}
	}
	for k, v := range g.ctxSubset {
		if got, ok := fold[strings.ToLower(k)]; !ok || got != v {
			return false
		}
	}
	return true
}

// constrained reports whether grant constraints apply to op: only to
// cryptographic operations that take an encryption context.
func constrained(op string) bool {
	switch op {
	case "Encrypt", "Decrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo":
		return true
	}
	return false
}
