package policy

// KindBoundary is a permissions boundary: a managed policy that caps what an IAM user's or
// role's identity policies can allow (IAM/latest/UserGuide/access_policies_boundaries.html).
const KindBoundary Kind = "permissions boundary"

// boundary evaluates the caller's permissions boundary: whether it allows the request and
// whether it explicitly denies it. Without a boundary (or for the root user, which has none)
// it allows. The trace, when kept, lists the boundary after the identity policies.
func (in Input) boundary(ctx *evalContext, tr *Trace, out *Outcome) (allow, deny bool) {
	if in.Boundary == nil || ctx.who.root {
		return true, false
	}
	var pt *PolicyTrace
	if tr != nil {
		pt = &PolicyTrace{Kind: KindBoundary, Name: in.Boundary.Name, Unreadable: in.Boundary.Unreadable}
	}
	if in.Boundary.Doc != nil {
		r := in.Boundary.Doc.evaluate(in.Boundary.Name, ctx, false, pt)
		out.Matches = append(out.Matches, r.Matches...)
		allow, deny = r.Decision == Allow, r.Decision == Deny
	}
	if pt != nil {
		tr.Policies = append(tr.Policies, *pt)
	}
	return allow, deny
}

// boundaryStep is the rule a permissions boundary adds to a trace.
func boundaryStep(tr *Trace, out Outcome) Step {
	finding := "The permissions boundary does not allow " + tr.Action + ": the IAM policies cannot grant more than it does."
	if out.Reason != NoBoundaryAllow {
		finding = "Allowed by " + firstIn(tr, KindBoundary, EffectAllow) + "."
	}
	return Step{Rule: "A permissions boundary caps the caller's IAM policies: where they allow, it must allow too.",
		Finding: finding, Decisive: out.Reason == NoBoundaryAllow}
}

// firstIn names the first applying statement with effect in the policy of kind k.
func firstIn(tr *Trace, k Kind, effect string) string {
	for _, p := range tr.Policies {
		if p.Kind != k {
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
