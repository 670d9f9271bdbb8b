package steps

import (
	"fmt"

	"kmslab/awsops/explain"
	"kmslab/policy"
)

// TraceLine is one line of an evaluation trace as the screens print it.
type TraceLine struct {
	Depth int    // 0 for a policy, grant or rule, 1 for a statement under its policy
	Mark  string // "✓" applies / decisive, "·" does not
	Text  string
}

// TraceLines writes the local evaluation of an explanation out, policy by
// policy and statement by statement, then AWS's rules up to the decision:
// the one rendering the headless report and the TUI share.
func TraceLines(e *explain.Explanation) []TraceLine {
	if e == nil {
		return nil
	}
	if e.Trace == nil || e.Trace.Trace == nil {
		if e.TraceError != "" {
			return []TraceLine{{Mark: "✗", Text: "no local trace: " + e.TraceError}}
		}
		return nil
	}
	return TraceOf(e.Trace)
}

// TraceOf writes one trace out: a probe's own, or an explanation's.
func TraceOf(t *explain.Trace) []TraceLine {
	if t == nil || t.Trace == nil {
		return nil
	}
	mark := func(ok bool) string {
		if ok {
			return "✓"
		}
		return "·"
	}
	out := []TraceLine{{Text: policy.Narrate(t.Trace).Summary}}
	if t.KeyState != "" && t.KeyState != "Enabled" {
		out = append(out, TraceLine{Mark: "✗", Text: "the key is " + t.KeyState})
	}
	for i := range t.Policies {
		p := &t.Policies[i]
		out = append(out, TraceLine{Text: p.Label() + ": " + policy.PolicyWord(p)})
		for j := range p.Statements {
			s := &p.Statements[j]
			// The statement's effect is what it would do, not a verdict: say
			// it as a kind, then what it did to this request.
			text := fmt.Sprintf("%s (%s statement): %s", s.Label(), s.Effect, policy.StatementWord(s))
			if !s.Applies {
				text = fmt.Sprintf("%s (%s statement): does not apply, %s", s.Label(), s.Effect, s.Why())
			}
			out = append(out, TraceLine{Depth: 1, Mark: mark(s.Applies), Text: text})
		}
	}
	for _, g := range t.Grants {
		name := g.Name
		if name == "" {
			name = g.ID
		}
		out = append(out, TraceLine{Mark: mark(g.Applies), Text: "grant " + name + ": " + g.Why})
	}
	for _, s := range t.Steps {
		if s.Decisive {
			out = append(out, TraceLine{Mark: "▸", Text: s.Rule + " " + s.Finding})
		}
	}
	if t.Cached != nil {
		out = append(out, TraceLine{Mark: "▸", Text: t.Cached.Service + " answered from " + t.Cached.Key +
			" it had cached for this caller: KMS was not asked, so the rules above did not decide this call."})
	}
	if t.Disagreement != "" {
		out = append(out, TraceLine{Mark: "!", Text: t.Disagreement})
	}
	return out
}
