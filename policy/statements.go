package policy

import (
	"cmp"
	"strings"
)

// Context holds a request's condition keys and their values. Key names are
// matched without regard to case, as IAM does; values are compared as the
// operator says.
type Context map[string][]string

// Get returns the values of key, matched case-insensitively.
func (c Context) Get(key string) ([]string, bool) {
	if v, ok := c[key]; ok {
		return v, true
	}
	for k, v := range c {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}

// Request is one action a principal attempts on one resource.
type Request struct {
	PrincipalARN     string // arn:aws:iam::111122223333:user/alice, or ...:root
	PrincipalAccount string // derived from PrincipalARN when empty
	// RoleARN is, for a role session, its role's ARN with the role's path: a
	// session's ARN (assumed-role/ROLE/SESSION) has none, yet a policy names
	// the role by its full ARN. When empty, the role is taken from the
	// session's ARN, which is right only for a role without a path.
	RoleARN  string
	Action   string // "kms:Decrypt"
	Resource string // the resource's ARN
	Context  Context
}

// Decision is a policy's or a request's verdict.
type Decision int

const (
	NoDecision Decision = iota // nothing applied: an implicit deny
	Allow
	Deny
)

func (d Decision) String() string {
	switch d {
	case Allow:
		return "Allow"
	case Deny:
		return "Deny"
	}
	return "NoDecision"
}

// Match is a statement that applied to a request.
type Match struct {
	Source string // the caller's label for the document: a policy name, "key policy"
	Sid    string
	Index  int // position of the statement in the document
	Effect string
	// ViaAccount marks a resource policy statement that matched only because it
	// names the principal's account (its root or bare id), which delegates the
	// decision to the account's IAM policies rather than granting directly.
	ViaAccount bool
}

// Result is one document's verdict on a request.
type Result struct {
	Decision Decision
	Matches  []Match
}

// evalContext is a request prepared for evaluation: condition keys indexed by
// lower-case name, with the global keys AWS always supplies filled in.
type evalContext struct {
	req  Request
	who  principalInfo
	vals map[string][]string
}

func newEvalContext(req Request) *evalContext {
	c := &evalContext{req: req, who: describePrincipal(req), vals: make(map[string][]string, len(req.Context)+4)}
	for k, v := range req.Context {
		if len(v) > 0 {
			c.vals[lowerKey(k)] = v
		}
	}
	def := func(k, v string) {
		if _, ok := c.vals[k]; !ok && v != "" {
			c.vals[k] = []string{v}
		}
	}
	// A Request built by hand, without RequestContext, still names its caller.
	def(KeyPrincipalArn.lower(), cmp.Or(c.who.roleARN, req.PrincipalARN))
	def(KeyPrincipalAccount.lower(), c.who.account)
	def(KeyUsername.lower(), c.who.userName)
	if strings.HasPrefix(strings.ToLower(req.Action), "kms:") {
		def(KeyCallerAccount.lower(), c.who.account)
	}
	return c
}

// lowerCase holds the lower-case forms of the keys RequestContext sets, which
// every evaluation would otherwise lower-case (and allocate) again.
var lowerCase = func() map[string]string {
	m := map[string]string{}
	for _, k := range requestKeys {
		m[string(k)] = k.lower()
	}
	return m
}()

func lowerKey(k string) string {
	if l, ok := lowerCase[k]; ok {
		return l
	}
	return strings.ToLower(k)
}

// get returns a key's values; a key with no values counts as absent.
func (c *evalContext) get(key string) ([]string, bool) {
	v, ok := c.vals[strings.ToLower(key)]
	return v, ok
}

// principalInfo is what principal matching needs to know about the caller.
type principalInfo struct {
	arn      string
	account  string
	roleARN  string // for an assumed-role session, the role it came from
	userName string // for an IAM user
	root     bool
}

func describePrincipal(req Request) principalInfo {
	info := principalInfo{arn: req.PrincipalARN, account: req.PrincipalAccount}
	parts := strings.SplitN(req.PrincipalARN, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return info
	}
	if info.account == "" {
		info.account = parts[4]
	}
	res := parts[5]
	switch {
	case parts[2] == "iam" && res == "root":
		info.root = true
	case parts[2] == "iam" && strings.HasPrefix(res, "user/"):
		info.userName = res[strings.LastIndexByte(res, '/')+1:]
	case parts[2] == "sts" && strings.HasPrefix(res, "assumed-role/"):
		if role, _, ok := strings.Cut(strings.TrimPrefix(res, "assumed-role/"), "/"); ok {
			info.roleARN = cmp.Or(req.RoleARN, "arn:"+parts[1]+":iam::"+parts[4]+":role/"+role)
		}
	}
	return info
}

// principalMatch says how a Principal element covers the caller.
type principalMatch struct {
	direct  bool // by its own ARN, its role, a service name, or everyone
	account bool // by its account's root ARN or bare id (everyone and services count too)
}

// match reports how the principal element names the caller.
func (p *Principal) match(who principalInfo) principalMatch {
	if p.Wildcard {
		return principalMatch{direct: true, account: true}
	}
	var m principalMatch
	for _, a := range p.AWS {
		if a == "*" {
			return principalMatch{direct: true, account: true}
		}
		if who.arn != "" && (a == who.arn || a == who.roleARN) {
			m.direct = true
		}
		if who.account != "" && namesAccount(a, who.account) {
			m.account = true
			if who.root { // the root user is the account itself
				m.direct = true
			}
		}
	}
	for _, l := range []StringList{p.Service, p.Federated} {
		for _, s := range l {
			if who.arn != "" && s == who.arn {
				return principalMatch{direct: true, account: true}
			}
		}
	}
	return m
}

// namesAccount reports whether a principal entry is the account itself:
// its bare id or its root ARN.
func namesAccount(entry, account string) bool {
	if entry == account {
		return true
	}
	parts := strings.SplitN(entry, ":", 6)
	return len(parts) == 6 && parts[0] == "arn" && parts[2] == "iam" && parts[4] == account && parts[5] == "root"
}

// EvaluateIdentity evaluates the document as an identity policy attached to
// the caller: Principal elements are ignored.
func (d *Document) EvaluateIdentity(source string, req Request) Result {
	return d.evaluate(source, newEvalContext(req), false, nil)
}

// EvaluateResource evaluates the document as a resource (key) policy: a
// statement applies only if its Principal names the caller or its NotPrincipal
// does not.
func (d *Document) EvaluateResource(source string, req Request) Result {
	return d.evaluate(source, newEvalContext(req), true, nil)
}

// evaluate is the one walk over a document's statements. With pt nil it stops
// at the first element that does not match and allocates nothing beyond the
// matches; with pt set it checks every element of every statement and records
// why each matched or not, so a trace and a decision cannot disagree.
func (d *Document) evaluate(source string, ctx *evalContext, resource bool, pt *PolicyTrace) Result {
	var res Result
	vars := d.Version == Version2012
	if pt != nil {
		pt.Statements = make([]StatementTrace, 0, len(d.Statement))
	}
	for i := range d.Statement {
		s := &d.Statement[i]
		var st *StatementTrace
		if pt != nil {
			pt.Statements = append(pt.Statements, StatementTrace{Index: i, Sid: s.Sid, Effect: s.Effect, Actions: s.actionList()})
			st = &pt.Statements[len(pt.Statements)-1]
		}
		ok, via := true, false
		if resource {
			ok, via = s.principalApplies(ctx.who, st)
			if !ok && st == nil {
				continue
			}
		}
		applies := s.applies(ctx, vars, st) && ok
		if st != nil {
			st.Applies, st.Delegates = applies, applies && via
		}
		if !applies {
			continue
		}
		res.Matches = append(res.Matches, Match{Source: source, Sid: s.Sid, Index: i, Effect: s.Effect, ViaAccount: via})
		switch s.Effect {
		case EffectDeny:
			res.Decision = Deny
		case EffectAllow:
			if res.Decision == NoDecision {
				res.Decision = Allow
			}
		}
	}
	if pt != nil {
		pt.Decision = res.Decision
	}
	return res
}

// principalApplies reports whether a resource policy statement covers the
// caller, and whether only through the caller's account (a delegation to IAM).
func (s *Statement) principalApplies(who principalInfo, st *StatementTrace) (ok, via bool) {
	switch {
	case s.Principal != nil:
		m := s.Principal.match(who)
		ok, via = m.direct || m.account, !m.direct && m.account
	case s.NotPrincipal != nil:
		// AWS exempts a caller only when both the caller and its account are
		// listed: naming a user without its account, or the account alone,
		// exempts nobody but the root.
		m := s.NotPrincipal.match(who)
		ok = !(m.direct && m.account)
	}
	if st != nil {
		st.Principal = &Check{Match: ok, Why: principalWhy(s, who, ok, via)}
		if p := s.Principal; p != nil {
			st.Principals = principalEntries(p)
		} else if p := s.NotPrincipal; p != nil {
			st.Principals = principalEntries(p)
		}
	}
	return ok, via
}

// applies reports whether the statement's action, resource and conditions all
// cover the request. Traced (st set), it evaluates every element.
func (s *Statement) applies(ctx *evalContext, vars bool, st *StatementTrace) bool {
	if s.Effect != EffectAllow && s.Effect != EffectDeny {
		if st != nil {
			st.Action = Check{Why: "effect " + s.Effect + " is neither Allow nor Deny"}
		}
		return false
	}
	act := s.actionApplies(ctx.req.Action)
	if st == nil && !act {
		return false
	}
	res := s.resourceApplies(ctx, vars)
	if st == nil {
		return res && conditionsHold(s.Condition, ctx, vars)
	}
	st.Action = Check{Match: act, Why: actionWhy(s, ctx.req.Action, act)}
	st.Resource = Check{Match: res, Why: resourceWhy(s, ctx, vars, res)}
	cond := traceConditions(s.Condition, ctx, vars, st)
	return act && res && cond
}

// actionList is the Action (or NotAction) element's entries.
func (s *Statement) actionList() []string {
	if s.Action != nil {
		return s.Action
	}
	return s.NotAction
}

func (s *Statement) actionApplies(action string) bool {
	switch {
	case s.Action != nil:
		return anyAction(s.Action, action)
	case s.NotAction != nil:
		return !anyAction(s.NotAction, action)
	}
	return false
}

func (s *Statement) resourceApplies(ctx *evalContext, vars bool) bool {
	switch {
	case s.Resource != nil:
		return anyResource(s.Resource, ctx, vars)
	case s.NotResource != nil:
		return !anyResource(s.NotResource, ctx, vars)
	}
	return true
}

func anyAction(patterns StringList, action string) bool {
	return firstAction(patterns, action) >= 0
}

// firstAction is the index of the first pattern covering action, or -1.
func firstAction(patterns StringList, action string) int {
	for i, p := range patterns {
		if actionMatches(p, action) {
			return i
		}
	}
	return -1
}

func anyResource(patterns StringList, ctx *evalContext, vars bool) bool {
	return firstResource(patterns, ctx, vars) >= 0
}

func firstResource(patterns StringList, ctx *evalContext, vars bool) int {
	for i, r := range patterns {
		if p, ok := expand(r, vars, ctx); ok && p.match(ctx.req.Resource) {
			return i
		}
	}
	return -1
}

// AWSPrincipals lists every distinct "AWS" entry of the document's Principal
// and NotPrincipal elements, in order of appearance, so a caller such as
// PutKeyPolicy can reject principals that do not exist.
func (d *Document) AWSPrincipals() []string {
	var out []string
	seen := map[string]bool{}
	for i := range d.Statement {
		for _, p := range []*Principal{d.Statement[i].Principal, d.Statement[i].NotPrincipal} {
			if p == nil {
				continue
			}
			for _, a := range p.AWS {
				if !seen[a] {
					seen[a] = true
					out = append(out, a)
				}
			}
		}
	}
	return out
}
