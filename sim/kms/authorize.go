package kms

import (
	"context"

	"kmslab/policy"
	"kmslab/sim/api"
	"kmslab/sim/authz"
	"kmslab/sim/wire"
)

// effectivePolicy is the key policy authorization uses now: a new policy only
// counts once its delay has passed (Options.PolicyDelay, or the one the
// realistic mode drew for it), as KMS's eventual consistency makes a
// just-edited key policy take a few seconds to apply.
func (s *Service) effectivePolicy(k *key) *policy.Document {
	delay := s.opts.PolicyDelay
	if k.policyLag > 0 {
		delay = k.policyLag
	}
	if k.prevPolicy != nil && s.env.Now().Before(k.policySet.Add(delay)) {
		return k.prevPolicy
	}
	return k.policy
}

// setPolicy installs a new key policy; authorization keeps using the one in
// effect now until the delay has passed.
func (s *Service) setPolicy(k *key, text string, doc *policy.Document) {
	lag := s.opts.Lag.policy()
	if k.policy != nil && (s.opts.PolicyDelay > 0 || lag > 0) {
		k.prevPolicy = s.effectivePolicy(k)
	} else {
		k.prevPolicy = nil
	}
	k.policyText, k.policy, k.policySet, k.policyLag = text, doc, s.env.Now(), lag
}

// keyAccess is what an operation on one key asks before it acts.
type keyAccess struct {
	action string            // kms:Decrypt
	alias  bool              // the key may be named by an alias; else only by key id or ARN
	state  func(*key) error  // refuses the key states the operation cannot act in, once authorized; nil for none
	encCtx map[string]string // the request's encryption context
	extra  policy.Context    // the operation's own condition keys
	tokens []string          // the request's grant tokens
}

// openKey resolves ref, authorizes req's caller for acc on the key and checks
// the key's state: the opening every operation on a key shares, called
// directly or by a service on a caller's behalf. Callers hold s.mu.
func (s *Service) openKey(ctx context.Context, req *api.Request, ref string, acc keyAccess) (*key, error) {
	k, err := s.resolve(ref, acc.alias)
	if err != nil {
		return nil, err
	}
	if err := s.authorizeKey(ctx, req, k, acc); err != nil {
		return nil, err
	}
	return k, nil
}

// authorizeKey asks authz, with the key policy in effect and the key's
// grants, whether req's caller may perform acc.action on k, then checks the
// key's state. Callers hold s.mu.
func (s *Service) authorizeKey(ctx context.Context, req *api.Request, k *key, acc keyAccess) error {
	err := s.az.RequireFor(ctx, req, authz.Check{
		Action:            acc.action,
		Resource:          k.arn,
		ResourcePolicy:    s.effectivePolicy(k),
		KMS:               true,
		EncryptionContext: acc.encCtx,
		Grants:            s.grantsTo(k, caller(req), acc.tokens),
		Context:           acc.extra,
	})
	if err != nil {
		return err
	}
	if acc.state != nil {
		return acc.state(k)
	}
	return nil
}

// caller is req's principal, nil without a request.
func caller(req *api.Request) *api.Principal {
	if req == nil {
		return nil
	}
	return req.Principal
}

// policyGrant is the grant as the policy engine evaluates it.
func (g *grant) policyGrant() policy.Grant {
	pg := policy.Grant{ID: g.id, Name: g.name, Grantee: g.grantee, Operations: g.ops}
	if g.constraints {
		pg.EncryptionContextEquals, pg.EncryptionContextSubset = g.ctxEquals, g.ctxSubset
	}
	return pg
}

// validated is an operation's input, which checks itself.
type validated[In any] interface {
	*In
	// validate checks every member as AWS's request validation does, then
	// anything else AWS refuses before it looks at state.
	validate() error
}

// decode reads and validates an operation's input: how every handler opens.
func decode[In any, P validated[In]](body []byte) (P, error) {
	in := P(new(In))
	if err := wire.DecodeJSON(body, in); err != nil {
		return nil, err
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	return in, nil
}

// locked is the opening of the handlers whose input names no key by KeyId (a
// ciphertext blob names its own, a grant token its grant): decode, then run
// under the lock.
func locked[In any, P validated[In]](s *Service, body []byte, run func(in P) (any, error)) (any, error) {
	in, err := decode[In, P](body)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return run(in)
}

// listing is the opening of the calls on the whole account that IAM alone
// authorizes (resource "*", no key policy involved): decode, authorize action,
// then run under the lock with expired keys gone.
func listing[In any, P validated[In]](ctx context.Context, s *Service, body []byte, action string, run func(in P) (any, error)) (any, error) {
	in, err := decode[In, P](body)
	if err != nil {
		return nil, err
	}
	if err := s.requireIAM(ctx, action, "*"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.purge()
	return run(in)
}

// keyInput is the input of an operation on the one key its KeyId names.
type keyInput[In any] interface {
	validated[In]
	keyID() *string
}

// conditioned is an input that brings condition keys of its own (an
// encryption context, a grant's terms) to the key's authorization.
type conditioned interface {
	conditions() (encCtx map[string]string, extra policy.Context)
}

// keyOp is the one opening of every direct call on the key its input names,
// in the order AWS answers: decode, validate, lock, resolve, authorize, check
// the key's state. run then does the operation's own work under the lock.
func keyOp[In any, P keyInput[In]](ctx context.Context, s *Service, body []byte, acc keyAccess, run func(in P, k *key) (any, error)) (any, error) {
	in, err := decode[In, P](body)
	if err != nil {
		return nil, err
	}
	if c, ok := any(in).(conditioned); ok {
		acc.encCtx, acc.extra = c.conditions()
	}
	if t, ok := any(in).(tokened); ok {
		acc.tokens = t.grantTokens()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k, err := s.openKey(ctx, api.RequestFrom(ctx), *in.keyID(), acc)
	if err != nil {
		return nil, err
	}
	return run(in, k)
}

// requireIAM authorizes an action whose resource has no key policy
// (CreateKey, ListKeys, ListAliases, an alias): IAM alone decides.
func (s *Service) requireIAM(ctx context.Context, action, resource string) error {
	return s.az.Require(ctx, authz.Check{Action: action, Resource: resource})
}
