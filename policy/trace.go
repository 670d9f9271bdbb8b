package policy

import (
	"fmt"
	"sort"
	"strings"
)

// Kind says what a policy is to the request it decides.
type Kind string

// Kinds of policy a trace considers.
const (
	KindKeyPolicy    Kind = "key policy"
	KindResource     Kind = "resource policy"
	KindIdentity     Kind = "identity policy" // attached to the caller, kind unknown
	KindManaged      Kind = "managed policy"
	KindInline       Kind = "inline policy"
	KindGroupManaged Kind = "group managed policy"
	KindGroupInline  Kind = "group inline policy"
)

// Trace is an evaluation written out: every policy and grant considered,
// every statement with what matched and why not, and AWS's rules applied in
// order up to the decision. Explain builds it on the same code path as
// Evaluate, so the trace's Decision is the decision.
type Trace struct {
	Principal string // the caller's ARN
	Action    string
	Resource  string
	// Context is the request's condition keys as supplied, sorted by key.
	Context  []ContextValue
	Policies []PolicyTrace // the resource (key) policy first, then the caller's policies in the order given
	Grants   []GrantTrace  `json:",omitempty"`
	KMS      bool
	KeyState string `json:",omitempty"` // "Enabled", "Disabled", "PendingDeletion"; empty when unknown
	Steps    []Step // AWS's rules, in the order they apply
	Decision Decision
	Reason   Reason
	Grant    string `json:",omitempty"` // the grant that allowed, when one did
	// Cached is set when a service answered the request from a key it had
	// cached for the caller: the cache decided, not the rules above.
	Cached *Cached `json:",omitempty"`
}

// ContextValue is one condition key of the request.
type ContextValue struct {
	Key    string
	Values []string
}

// PolicyTrace is one policy's part in a trace.
type PolicyTrace struct {
	Kind  Kind
	Name  string
	Group string `json:",omitempty"` // for group policies, the group it comes through
	// Unreadable says why the document could not be read (e.g. the caller
	// lacks iam:GetPolicyVersion); its statements are then unknown and the
	// trace's decision may be wrong in the direction of that policy.
	Unreadable string `json:",omitempty"`
	Decision   Decision
	Statements []StatementTrace `json:",omitempty"`
}

// StatementTrace is one statement checked against the request.
type StatementTrace struct {
	Index     int // position in the document, from 0
	Sid       string
	Effect    string
	Principal *Check `json:",omitempty"` // resource policies only
	// Principals and Actions are the statement's own lists (NotPrincipal and
	// NotAction entries too), so a reader can say whom it lets in for what.
	Principals []string `json:",omitempty"`
	Actions    []string `json:",omitempty"`
	Action     Check
	Resource   Check
	Conditions []ConditionCheck `json:",omitempty"`
	Applies    bool             // every element matched: the statement counts
	// Delegates marks an applying key policy statement that names only the
	// caller's account: it hands the decision to the account's IAM policies.
	Delegates bool `json:",omitempty"`
}

// Check is one element's verdict with a few words of why.
type Check struct {
	Match bool
	Why   string
}

// ConditionCheck is one condition key under one operator.
type ConditionCheck struct {
	Operator string
	Key      string
	Want     []string // the policy's values
	Got      []string `json:",omitempty"` // the request's values; empty when absent
	Holds    bool
	Why      string
}

// GrantTrace is one KMS grant checked against the request.
type GrantTrace struct {
	Grant
	Applies bool
	Why     string
}

// Step is one of AWS's evaluation rules and what it found in this request.
type Step struct {
	Rule     string // the rule, the same for every request
	Finding  string // what this request's policies made of it
	Decisive bool   // this step decided the request
}

// MarshalText writes the decision's name, so JSON traces read as words.
func (d Decision) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// MarshalText writes the reason's name.
func (r Reason) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// Verdict is what the service answers: "Allowed", "AccessDenied", or the
// key state error KMS gives after the policies allowed (DisabledException,
// KMSInvalidStateException).
func (t *Trace) Verdict() string {
	if t.Decision != Allow {
		return "AccessDenied"
	}
	if t.KMS {
		switch t.KeyState {
		case "", "Enabled":
		case "Disabled":
			return "DisabledException"
		default:
			return "KMSInvalidStateException"
		}
	}
	return "Allowed"
}

// EvalDecision is the decision in IAM SimulatePrincipalPolicy's terms.
func (t *Trace) EvalDecision() string { return Outcome{Decision: t.Decision}.EvalDecision() }

// Unreadable lists the policies the trace could not read, as "kind name: why".
func (t *Trace) Unreadable() []string {
	var out []string
	for _, p := range t.Policies {
		if p.Unreadable != "" {
			out = append(out, string(p.Kind)+" "+p.Name+": "+p.Unreadable)
		}
	}
	return out
}

// Policy returns the first policy of kind k, or nil.
func (t *Trace) Policy(k Kind) *PolicyTrace {
	for i := range t.Policies {
		if t.Policies[i].Kind == k {
			return &t.Policies[i]
		}
	}
	return nil
}

// Label names the policy for people: "key policy", "managed policy AmazonDynamoDBFullAccess".
func (p *PolicyTrace) Label() string {
	if p.Kind == KindKeyPolicy || p.Kind == KindResource {
		return string(p.Kind)
	}
	s := string(p.Kind) + " " + p.Name
	if p.Group != "" {
		s += " (group " + p.Group + ")"
	}
	return s
}

// Label names a statement: its Sid quoted, or its position.
func (s *StatementTrace) Label() string {
	if s.Sid != "" {
		return fmt.Sprintf("%q", s.Sid)
	}
	return fmt.Sprintf("statement %d", s.Index+1)
}

// Why is the first reason the statement does not apply, or what it does when
// it applies, in a few words.
func (s *StatementTrace) Why() string {
	if s.Applies {
		switch {
		case s.Delegates:
			return "names the account: IAM policies decide"
		case s.Effect == EffectDeny:
			return "denies"
		}
		return "allows"
	}
	if s.Principal != nil && !s.Principal.Match {
		return s.Principal.Why
	}
	if !s.Action.Match {
		return s.Action.Why
	}
	if !s.Resource.Match {
		return s.Resource.Why
	}
	for _, c := range s.Conditions {
		if !c.Holds {
			return c.Why
		}
	}
	return "does not apply"
}

// short lists up to three values, saying how many more there are.
func short(v []string) string {
	if len(v) <= 3 {
		return strings.Join(v, ", ")
	}
	return fmt.Sprintf("%s, … (%d more)", strings.Join(v[:3], ", "), len(v)-3)
}

func actionWhy(s *Statement, action string, ok bool) string {
	switch {
	case s.Action != nil && ok:
		return fmt.Sprintf("%s covers %s", s.Action[firstAction(s.Action, action)], action)
	case s.Action != nil:
		return fmt.Sprintf("lists %s, not %s", short(s.Action), action)
	case s.NotAction != nil && ok:
		return fmt.Sprintf("NotAction leaves out %s", action)
	case s.NotAction != nil:
		return fmt.Sprintf("NotAction %s excludes %s", s.NotAction[firstAction(s.NotAction, action)], action)
	}
	return "no Action element"
}

func resourceWhy(s *Statement, ctx *evalContext, vars bool, ok bool) string {
	switch {
	case s.Resource != nil && ok:
		return fmt.Sprintf("%s covers it", s.Resource[firstResource(s.Resource, ctx, vars)])
	case s.Resource != nil:
		return fmt.Sprintf("names %s, not this resource", short(s.Resource))
	case s.NotResource != nil && ok:
		return "NotResource leaves it out"
	case s.NotResource != nil:
		return fmt.Sprintf("NotResource %s excludes it", s.NotResource[firstResource(s.NotResource, ctx, vars)])
	}
	return "no Resource element: any resource"
}

func principalWhy(s *Statement, who principalInfo, ok, via bool) string {
	switch {
	case s.Principal != nil && ok && via:
		return "names the account " + who.account + " (its root): delegates to IAM"
	case s.Principal != nil && ok:
		if s.Principal.Wildcard {
			return "names everyone (*)"
		}
		return "names " + who.arn
	case s.Principal != nil:
		return "names " + short(principalEntries(s.Principal)) + ", not this caller"
	case s.NotPrincipal != nil && ok:
		return "NotPrincipal does not exempt this caller"
	case s.NotPrincipal != nil:
		return "NotPrincipal exempts this caller"
	}
	return "no Principal element"
}

func principalEntries(p *Principal) []string {
	if p.Wildcard {
		return []string{"*"}
	}
	out := make([]string, 0, len(p.AWS)+len(p.Service)+len(p.Federated))
	out = append(out, p.AWS...)
	out = append(out, p.Service...)
	return append(out, p.Federated...)
}

// traceConditions checks every key under every operator, in a stable order,
// and records each; it returns whether all hold, as conditionsHold does.
func traceConditions(cond map[string]map[string]StringList, ctx *evalContext, vars bool, st *StatementTrace) bool {
	all := true
	for _, name := range sortedKeys(cond) {
		op, err := parseOperator(name)
		keys := cond[name]
		for _, key := range sortedKeys(keys) {
			c := ConditionCheck{Operator: name, Key: key, Want: keys[key]}
			got, present := ctx.get(key)
			c.Got = got
			if err != nil {
				c.Why = "unknown operator " + name
			} else {
				c.Holds = op.eval(key, keys[key], ctx, vars)
				c.Why = conditionWhy(op, c, present)
			}
			all = all && c.Holds
			st.Conditions = append(st.Conditions, c)
		}
	}
	return all
}

func conditionWhy(op *operator, c ConditionCheck, present bool) string {
	want := short(c.Want)
	if !present {
		if c.Holds {
			return fmt.Sprintf("%s is absent, which %s accepts", c.Key, op)
		}
		return fmt.Sprintf("%s is not in this request (%s %s)", c.Key, op, want)
	}
	got := short(c.Got)
	if c.Holds {
		return fmt.Sprintf("%s is %s: %s %s holds", c.Key, got, op, want)
	}
	return fmt.Sprintf("%s is %s, %s wants %s", c.Key, got, op, want)
}

// contextValues lists a request's condition keys, sorted, for the trace.
func contextValues(c Context) []ContextValue {
	out := make([]ContextValue, 0, len(c))
	for k, v := range c {
		out = append(out, ContextValue{Key: k, Values: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}
