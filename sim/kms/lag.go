package kms

import (
	"slices"
	"time"

	"kmslab/policy"
	"kmslab/sim/api"
)

// Lag is how KMS's eventual consistency shows in the offline AWS's realistic
// mode (sim.Realism, where the delays and their sources are). A nil func is
// no delay: every change counts at once, as without realism.
type Lag struct {
	// Grant is how long a new grant waits before it allows a request that
	// does not carry one of its grant tokens, and how long a retired or
	// revoked grant goes on allowing.
	Grant func() time.Duration
	// Policy is how long a new key policy takes to be used for
	// authorization (GetKeyPolicy shows it at once).
	Policy func() time.Duration
	// List is how long a retired or revoked grant, or a deleted alias, stays
	// in ListGrants, ListRetirableGrants and ListAliases.
	List func() time.Duration
}

func (l Lag) grant() time.Duration  { return draw(l.Grant) }
func (l Lag) list() time.Duration   { return draw(l.List) }
func (l Lag) policy() time.Duration { return draw(l.Policy) }

func draw(f func() time.Duration) time.Duration {
	if f == nil {
		return 0
	}
	return f()
}

// goneGrant is a retired or revoked grant that parts of KMS still see.
type goneGrant struct {
	*grant
	allowsUntil time.Time // authorization still counts it before then
	listedUntil time.Time // the lists still show it before then
}

// goneAlias is a deleted alias that ListAliases still shows.
type goneAlias struct {
	alias
	listedUntil time.Time
}

// tokened is an input that carries grant tokens: a grant one of them names
// allows at once, however new (KMS Developer Guide, "Using a grant token").
type tokened interface{ grantTokens() []string }

func (in *decryptInput) grantTokens() []string             { return in.GrantTokens }
func (in *encryptInput) grantTokens() []string             { return in.GrantTokens }
func (in *generateDataKeyInput) grantTokens() []string     { return in.GrantTokens }
func (in *generateDataKeyPairInput) grantTokens() []string { return in.GrantTokens }
func (in *macInput) grantTokens() []string                 { return in.GrantTokens }
func (in *getPublicKeyInput) grantTokens() []string        { return in.GrantTokens }
func (in *reEncryptInput) grantTokens() []string           { return in.GrantTokens }
func (in *signingInput) grantTokens() []string             { return in.GrantTokens }
func (in *createGrantInput) grantTokens() []string         { return in.GrantTokens }
func (in *describeKeyInput) grantTokens() []string         { return in.GrantTokens }

// removeGrant takes the grant at idx off k: at once without lag, else it
// goes on allowing and being listed for a while. Callers hold s.mu.
func (s *Service) removeGrant(k *key, idx int) {
	g := k.grants[idx]
	k.grants = slices.Delete(k.grants, idx, idx+1)
	allows, listed := s.opts.Lag.grant(), s.opts.Lag.list()
	if allows <= 0 && listed <= 0 {
		return
	}
	now := s.env.Now()
	k.gone = append(k.gone, &goneGrant{grant: g, allowsUntil: now.Add(allows), listedUntil: now.Add(listed)})
}

// listedGrants is k's grants as the lists see them now: the current ones and
// those removed too recently to have left. Callers hold s.mu.
func (s *Service) listedGrants(k *key) []*grant {
	if len(k.gone) == 0 {
		return k.grants
	}
	s.forget(k)
	now := s.env.Now()
	out := slices.Clone(k.grants)
	for _, g := range k.gone {
		if now.Before(g.listedUntil) {
			out = append(out, g.grant)
		}
	}
	return out
}

// forget drops what KMS no longer sees of k's removed grants.
func (s *Service) forget(k *key) {
	now := s.env.Now()
	k.gone = slices.DeleteFunc(k.gone, func(g *goneGrant) bool {
		return !now.Before(g.allowsUntil) && !now.Before(g.listedUntil)
	})
}

// grantsTo is k's grants to caller in the policy engine's terms, as KMS sees
// them now: a grant counts once it has propagated, or at once for a request
// carrying one of its tokens; a removed one counts until its removal has
// propagated. nil when no caller. Callers hold s.mu.
func (s *Service) grantsTo(k *key, caller *api.Principal, tokens []string) []policy.Grant {
	if caller == nil || len(k.grants) == 0 && len(k.gone) == 0 {
		return nil
	}
	var now time.Time // read once, and only when a grant is still propagating
	clock := func() time.Time {
		if now.IsZero() {
			now = s.env.Now()
		}
		return now
	}
	var out []policy.Grant
	for _, g := range k.grants {
		if g.grantee != caller.ARN {
			continue
		}
		if !g.effective.IsZero() && clock().Before(g.effective) && !slices.ContainsFunc(tokens, func(t string) bool { return slices.Contains(g.tokens, t) }) {
			continue
		}
		out = append(out, g.policyGrant())
	}
	if len(k.gone) > 0 {
		s.forget(k)
		for _, g := range k.gone {
			if g.grantee == caller.ARN && clock().Before(g.allowsUntil) {
				out = append(out, g.policyGrant())
			}
		}
	}
	return out
}

// removeAlias deletes a: at once without lag, else ListAliases shows it for
// a while yet. Callers hold s.mu.
func (s *Service) removeAlias(a *alias) {
	delete(s.aliases, a.name)
	if d := s.opts.Lag.list(); d > 0 {
		s.goneAliases = slices.DeleteFunc(s.goneAliases, func(g *goneAlias) bool { return g.name == a.name })
		s.goneAliases = append(s.goneAliases, &goneAlias{alias: *a, listedUntil: s.env.Now().Add(d)})
	}
}

// listedAliases is the aliases as ListAliases sees them now: the current
// ones and those deleted too recently to have left (unless the name is in
// use again). Callers hold s.mu.
func (s *Service) listedAliases() []*alias {
	out := make([]*alias, 0, len(s.aliases)+len(s.goneAliases))
	for _, a := range s.aliases {
		out = append(out, a)
	}
	if len(s.goneAliases) == 0 {
		return out
	}
	now := s.env.Now()
	s.goneAliases = slices.DeleteFunc(s.goneAliases, func(g *goneAlias) bool { return !now.Before(g.listedUntil) })
	for _, g := range s.goneAliases {
		if _, ok := s.aliases[g.name]; !ok {
			out = append(out, &g.alias)
		}
	}
	return out
}
