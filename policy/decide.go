package policy

import (
	"fmt"
	"strings"
)

// Named is a policy document with the name it is known by (a managed policy's
// name, an inline policy's name).
type Named struct {
	Name string
	Doc  *Document
}

// Input is everything that decides one request in AWS's evaluation logic.
type Input struct {
	Request  Request
	Identity []Named   // the principal's managed and inline policies
	Resource *Document // the resource's policy; nil when it has none
	// KMS marks a KMS key: its key policy must allow, directly or by
	// delegating to the account, unlike other resources where an identity
	// policy alone suffices within the account.
	KMS bool
}

// Reason says which rule produced an Outcome.
type Reason int

const (
	Allowed Reason = iota
	ExplicitDenyIdentity
	ExplicitDenyResource
	NoIdentityAllow
	NoResourceAllow
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
	}
	return fmt.Sprintf("Reason(%d)", int(r))
}

// Outcome is the verdict on a request, why, and every statement that applied.
type Outcome struct {
	Decision Decision
	Reason   Reason
	Matches  []Match
}

// Evaluate decides a request the way AWS does within one account:
//
//  1. An explicit Deny in any policy wins.
//  2. For a KMS key the key policy must allow. A statement naming the caller
//     (or everyone) allows by itself; one naming only the caller's account
//     delegates to IAM, so an identity policy must allow too.
//  3. For other resources an Allow in an identity policy, or a resource policy
//     statement naming the caller, suffices.
//
// A request on a resource in another account needs both sides to allow.
// The account's root user needs no identity policy.
func Evaluate(in Input) Outcome {
	var out Outcome
	ctx := newEvalContext(in.Request)
	identityAllow, identityDeny := false, false
	for _, n := range in.Identity {
		if n.Doc == nil {
			continue
		}
		r := n.Doc.evaluate(n.Name, ctx, false)
		out.Matches = append(out.Matches, r.Matches...)
		identityAllow = identityAllow || r.Decision == Allow
		identityDeny = identityDeny || r.Decision == Deny
	}
	resourceDirect, resourceVia, resourceDeny := false, false, false
	if in.Resource != nil {
		label := "resource policy"
		if in.KMS {
			label = "key policy"
		}
		r := in.Resource.evaluate(label, ctx, true)
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

	identityOK := identityAllow || ctx.who.root
	resAccount := arnAccount(in.Request.Resource)
	crossAccount := resAccount != "" && ctx.who.account != "" && resAccount != ctx.who.account
	switch {
	case identityDeny:
		out.Decision, out.Reason = Deny, ExplicitDenyIdentity
	case resourceDeny:
		out.Decision, out.Reason = Deny, ExplicitDenyResource
	case in.KMS || crossAccount:
		switch {
		case !resourceDirect && !resourceVia:
			out.Reason = NoResourceAllow
		case !identityOK && (crossAccount || !resourceDirect):
			out.Reason = NoIdentityAllow
		default:
			out.Decision, out.Reason = Allow, Allowed
		}
	case identityOK || resourceDirect:
		out.Decision, out.Reason = Allow, Allowed
	default:
		out.Reason = NoIdentityAllow
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
