package policy

import (
	"fmt"
	"strings"
)

// Named is a policy document with the name it is known by (a managed policy's
// name, an inline policy's name) and, for traces, what kind of policy it is.
type Named struct {
	Name  string
	Doc   *Document
	Kind  Kind   // KindIdentity when empty
	Group string // the group it comes through, for group policies
	// Unreadable says why Doc is nil: the document exists but could not be
	// read. The trace lists it; the decision goes on without it.
	Unreadable string
}

// Input is everything that decides one request in AWS's evaluation logic.
type Input struct {
	Request  Request
	Identity []Named   // the principal's managed and inline policies
	Resource *Document // the resource's policy; nil when it has none
	// ResourceUnreadable says why Resource is nil although the resource has
	// a policy (the caller may not read it); for the trace.
	ResourceUnreadable string
	// KMS marks a KMS key: its key policy must allow, directly or by
	// delegating to the account, unlike other resources where an identity
	// policy alone suffices within the account.
	KMS bool
	// Grants are the key's grants. One whose grantee is the caller allows the
	// operations it lists when no policy explicitly denies.
	Grants []Grant
	// GrantsUnreadable says why Grants is empty although the key may have
	// some (the caller may not list them); for the trace.
	GrantsUnreadable string
	// EncryptionContext is the request's, for grant constraints.
	EncryptionContext map[string]string
	// KeyState is the key's state; KMS refuses a disabled or deleting key
	// after the policies allowed. Only the trace reports it.
	KeyState string
	// Boundary is the caller's permissions boundary, nil when it has none: the
	// identity policies allow only what it allows too, and its Deny refuses.
	Boundary *Named
}

// Reason says which rule produced an Outcome.
type Reason int

const (
	Allowed Reason = iota
	ExplicitDenyIdentity
	ExplicitDenyResource
	NoIdentityAllow
	NoResourceAllow
	AllowedByGrant
	ExplicitDenyBoundary
	NoBoundaryAllow
)

func (r Reason) String() string {
	switch r {
	case Allowed:
		return "Allowed"
	case ExplicitDenyIdentity:
		return "ExplicitDenyIdentity"
	case ExplicitDenyResource:
		return "ExplicitDenyResource"
	case NoIdentityAllow:
		return "NoIdentityAllow"
	case NoResourceAllow:
		return "NoResourceAllow"
	case AllowedByGrant:
		return "AllowedByGrant"
	case ExplicitDenyBoundary:
		return "ExplicitDenyBoundary"
	case NoBoundaryAllow:
		return "NoBoundaryAllow"
	}
	return fmt.Sprintf("Reason(%d)", int(r))
}

// Outcome is the verdict on a request, why, and every statement that applied.
type Outcome struct {
	Decision Decision
	Reason   Reason
	Matches  []Match
	Grant    string // the grant that allowed, for AllowedByGrant
}

// Evaluate decides a request the way AWS does within one account:
//
//  1. An explicit Deny in any policy wins.
//  2. For a KMS key the key policy must allow. A statement naming the caller
//     (or everyone) allows by itself; one naming only the caller's account
//     delegates to IAM, so an identity policy must allow too.
//  3. For other resources an Allow in an identity policy, or a resource policy
//     statement naming the caller, suffices.
//  4. Failing that, a KMS grant to the caller allows the operations it lists.
//
// A request on a resource in another account needs both sides to allow.
// The account's root user needs no identity policy.
func Evaluate(in Input) Outcome { return decide(in, nil) }

// Explain decides the request exactly as Evaluate does and writes out why.
func Explain(in Input) *Trace {
	tr := &Trace{
		Principal: in.Request.PrincipalARN,
		Action:    in.Request.Action,
		Resource:  in.Request.Resource,
		Context:   contextValues(in.Request.Context),
		KMS:       in.KMS,
		KeyState:  in.KeyState,
	}
	decide(in, tr)
	return tr
}

func decide(in Input, tr *Trace) Outcome {
	var out Outcome
	ctx := newEvalContext(in.Request)
	identityAllow, identityDeny := false, false
	for _, n := range in.Identity {
		var pt *PolicyTrace
		if tr != nil {
			kind := n.Kind
			if kind == "" {
				kind = KindIdentity
			}
			pt = &PolicyTrace{Kind: kind, Name: n.Name, Group: n.Group, Unreadable: n.Unreadable}
		}
		if n.Doc != nil {
			r := n.Doc.evaluate(n.Name, ctx, false, pt)
			out.Matches = append(out.Matches, r.Matches...)
			identityAllow = identityAllow || r.Decision == Allow
			identityDeny = identityDeny || r.Decision == Deny
		}
		if pt != nil && (n.Doc != nil || n.Unreadable != "") {
			tr.Policies = append(tr.Policies, *pt)
		}
	}

	boundaryAllow, boundaryDeny := in.boundary(ctx, tr, &out)
	resourceDirect, resourceVia, resourceDeny := false, false, false
	resourceLabel := "resource policy"
	if in.KMS {
		resourceLabel = "key policy"
	}
	if in.Resource != nil || (tr != nil && in.ResourceUnreadable != "") {
		var pt *PolicyTrace
		if tr != nil {
			pt = &PolicyTrace{Kind: Kind(resourceLabel), Unreadable: in.ResourceUnreadable}
		}
		if in.Resource != nil {
			r := in.Resource.evaluate(resourceLabel, ctx, true, pt)
			out.Matches = append(out.Matches, r.Matches...)
			for _, m := range r.Matches {
				switch {
				case m.Effect == EffectDeny:
					resourceDeny = true
				case m.ViaAccount:
					resourceVia = true
				default:
					resourceDirect = true
				}
			}
		}
		if pt != nil {
			// The resource policy leads the trace: for KMS it decides first.
			tr.Policies = append([]PolicyTrace{*pt}, tr.Policies...)
		}
	}
	identityOK := identityAllow && boundaryAllow || ctx.who.root
	// What the identity policies allow, the boundary does not: AWS names the boundary.
	noAllow := NoIdentityAllow
	if identityAllow && !boundaryAllow {
		noAllow = NoBoundaryAllow
	}
	resAccount := arnAccount(in.Request.Resource)
	crossAccount := resAccount != "" && ctx.who.account != "" && resAccount != ctx.who.account
	switch {
	case identityDeny:
		out.Decision, out.Reason = Deny, ExplicitDenyIdentity
	case resourceDeny:
		out.Decision, out.Reason = Deny, ExplicitDenyResource
	case boundaryDeny:
		out.Decision, out.Reason = Deny, ExplicitDenyBoundary
	case in.KMS || crossAccount:
		switch {
		case !resourceDirect && !resourceVia:
			out.Reason = NoResourceAllow
		case !identityOK && (crossAccount || !resourceDirect):
			out.Reason = noAllow
		default:
			out.Decision, out.Reason = Allow, Allowed
		}
	case identityOK || resourceDirect:
		// A resource policy naming the caller is not capped by its boundary
		// (access_policies_boundaries.html, "Resource-based policies").
		out.Decision, out.Reason = Allow, Allowed
	default:
		out.Reason = noAllow
	}
	// Grants allow what the policies left undecided, never past an explicit deny.
	if in.KMS && out.Decision == NoDecision && (len(in.Grants) > 0 || tr != nil) {
		op := strings.TrimPrefix(in.Request.Action, "kms:")
		for i := range in.Grants {
			g := &in.Grants[i]
			ok, why := g.allows(in.Request.PrincipalARN, op, in.EncryptionContext)
			if tr != nil {
				tr.Grants = append(tr.Grants, GrantTrace{Grant: *g, Applies: ok, Why: why})
			}
			if ok && out.Decision != Allow {
				out.Decision, out.Reason, out.Grant = Allow, AllowedByGrant, g.ID
				if tr == nil {
					break
				}
			}
		}
	} else if tr != nil {
		why := "not needed: the policies allow"
		if out.Decision == Deny {
			why = "not consulted: an explicit deny overrides grants"
		}
		for _, g := range in.Grants {
			tr.Grants = append(tr.Grants, GrantTrace{Grant: g, Why: why})
		}
	}
	if tr != nil {
		tr.Decision, tr.Reason, tr.Grant = out.Decision, out.Reason, out.Grant
		tr.Steps = steps(in, tr, out, resourceDirect, resourceVia, identityAllow, crossAccount)
	}
	return out
}

// arnAccount is the account owning the resource, or "" when the ARN names no
// customer account: AWS-owned resources such as managed policies
// (arn:aws:iam::aws:policy/...) are governed by the caller's identity policies
// alone, not treated as cross-account.
func arnAccount(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || len(parts[4]) != 12 {
		return ""
	}
	for _, c := range parts[4] {
		if c < '0' || c > '9' {
			return ""
		}
	}
	return parts[4]
}

// Message is AWS's AccessDenied wording for the outcome; empty when allowed.
func (o Outcome) Message(principalARN, action, resource string) string {
	base := fmt.Sprintf("User: %s is not authorized to perform: %s on resource: %s", principalARN, action, resource)
	switch o.Reason {
	case ExplicitDenyIdentity:
		return base + " with an explicit deny in an identity-based policy"
	case ExplicitDenyResource:
		return base + " with an explicit deny in a resource-based policy"
	case NoIdentityAllow:
		return base + " because no identity-based policy allows the " + action + " action"
	case NoResourceAllow:
		return base + " because no resource-based policy allows the " + action + " action"
	case ExplicitDenyBoundary:
		return base + " with an explicit deny in a permissions boundary"
	case NoBoundaryAllow:
		return base + " because no permissions boundary allows the " + action + " action"
	}
	return ""
}

// EvalDecision is the outcome in IAM SimulatePrincipalPolicy's terms:
// "allowed", "explicitDeny" or "implicitDeny".
func (o Outcome) EvalDecision() string {
	switch o.Decision {
	case Allow:
		return "allowed"
	case Deny:
		return "explicitDeny"
	}
	return "implicitDeny"
}

// The findings of rules that did not bear on this request: Findings leaves
// them out.
const (
	findingNoDeny     = "No statement denies."
	findingNotNeeded  = "Not needed: the policies allow."
	findingKeyEnabled = "The key is enabled."
)

// steps spells out the rules decide applied, in order, with what this request
// made of each; the step that decided is marked.
func steps(in Input, tr *Trace, out Outcome, resourceDirect, resourceVia, identityAllow, crossAccount bool) []Step {
	var st []Step
	who := tr.Principal
	// With the policies allowing, a key that is not enabled decides instead.
	keyOK := !in.KMS || in.KeyState == "" || in.KeyState == "Enabled"
	allowed := out.Reason == Allowed && keyOK
	denial := findingNoDeny
	if out.Reason == ExplicitDenyIdentity || out.Reason == ExplicitDenyResource || out.Reason == ExplicitDenyBoundary {
		denial = "Denied by " + firstApplying(tr, EffectDeny, false) + ". No allow can override it."
	}
	st = append(st, Step{Rule: "An explicit Deny in any policy refuses the request, whatever else allows it.",
		Finding: denial, Decisive: out.Decision == Deny})
	if out.Decision == Deny {
		return st
	}
	identity := "None of the caller's IAM policies allows " + tr.Action + " on this resource."
	if identityAllow {
		identity = "Allowed by " + firstApplying(tr, EffectAllow, true) + "."
	} else if root := describePrincipal(in.Request); root.root {
		identity = "The caller is the account's root user, which needs no IAM policy."
	}
	if in.KMS || crossAccount {
		name := "resource policy"
		if in.KMS {
			name = "key policy"
		}
		var key string
		switch {
		case in.Resource == nil && in.ResourceUnreadable != "":
			key = "The " + name + " could not be read (" + in.ResourceUnreadable + ")."
		case resourceDirect:
			key = firstDirect(tr) + " names the caller: it allows by itself."
		case resourceVia:
			key = firstDelegating(tr) + " names the account, not " + who + ": it hands the decision to IAM."
		default:
			key = "No statement of the " + name + " applies to " + who + "."
		}
		st = append(st, Step{Rule: "The " + name + " must allow: a statement naming the caller allows by itself; one naming the account (its root) hands the decision to the account's IAM policies.",
			Finding: key, Decisive: out.Reason == NoResourceAllow || (allowed && resourceDirect && !crossAccount)})
		if !resourceDirect || crossAccount {
			finding := identity
			if !resourceVia && !resourceDirect {
				finding = "Not reached: the " + name + " does not hand the decision to IAM."
				if identityAllow {
					finding += " An IAM policy would allow (" + firstApplying(tr, EffectAllow, true) + ")."
				}
			}
			st = append(st, Step{Rule: "Where the " + name + " hands the decision to IAM, an IAM policy of the caller must allow the action too.",
				Finding: finding, Decisive: out.Reason == NoIdentityAllow || (allowed && (!resourceDirect || crossAccount))})
		}
	} else {
		finding := identity
		if resourceDirect && !identityAllow {
			// Within one account a resource policy naming the caller is
			// enough by itself: the trace names it, not the IAM policies
			// that did not allow.
			finding = firstDirect(tr) + " in the " + string(KindResource) + " names the caller: it allows by itself."
		}
		st = append(st, Step{Rule: "An IAM policy of the caller, or a resource policy statement naming the caller, must allow.",
			Finding: finding, Decisive: out.Reason == NoIdentityAllow || allowed})
	}
	if in.Boundary != nil && !describePrincipal(in.Request).root {
		st = append(st, boundaryStep(tr, out))
	}
	if in.KMS {
		finding := findingNotNeeded
		switch {
		case out.Reason == AllowedByGrant:
			finding = "Grant " + grantLabel(in.Grants, out.Grant) + " allows " + strings.TrimPrefix(tr.Action, "kms:") + "."
		case out.Decision != Allow && in.GrantsUnreadable != "":
			finding = "The grants could not be listed (" + in.GrantsUnreadable + ")."
		case out.Decision != Allow && len(in.Grants) == 0:
			finding = "The key has no grants."
		case out.Decision != Allow:
			finding = "No grant lets " + who + " perform " + strings.TrimPrefix(tr.Action, "kms:") + "."
		}
		st = append(st, Step{Rule: "A grant lets its grantee perform the operations it lists, when no policy explicitly denies.",
			Finding: finding, Decisive: out.Reason == AllowedByGrant && keyOK})
		if out.Decision == Allow && in.KeyState != "" {
			finding := findingKeyEnabled
			if in.KeyState != "Enabled" {
				finding = "The key is " + in.KeyState + ": KMS refuses the request with " + tr.Verdict() + "."
			}
			st = append(st, Step{Rule: "The key must be enabled for cryptographic operations.", Finding: finding, Decisive: !keyOK})
		}
	}
	return st
}

// grantLabel names a grant by its name when it has one: a 64-digit id is
// what a person cannot read, and a line cannot hold whole.
func grantLabel(grants []Grant, id string) string {
	for _, g := range grants {
		if g.ID == id && g.Name != "" {
			return g.Name
		}
	}
	return id
}

// firstApplying names the first applying statement with effect, in an identity
// policy only when identity is set, in any policy otherwise.
func firstApplying(tr *Trace, effect string, identity bool) string {
	for _, p := range tr.Policies {
		if identity && (p.Kind == KindKeyPolicy || p.Kind == KindResource || p.Kind == KindBoundary) {
			continue
		}
		for _, s := range p.Statements {
			if s.Applies && s.Effect == effect {
				return s.Label() + " in the " + p.Label()
			}
		}
	}
	return "a statement"
}

func firstDirect(tr *Trace) string {
	for _, p := range tr.Policies {
		if p.Kind == KindKeyPolicy || p.Kind == KindResource {
			for _, s := range p.Statements {
				if s.Applies && s.Effect == EffectAllow && !s.Delegates {
					return "Statement " + s.Label()
				}
			}
		}
	}
	return "A statement"
}

func firstDelegating(tr *Trace) string {
	for _, p := range tr.Policies {
		if p.Kind == KindKeyPolicy || p.Kind == KindResource {
			for _, s := range p.Statements {
				if s.Applies && s.Delegates {
					return "Statement " + s.Label()
				}
			}
		}
	}
	return "A statement"
}
