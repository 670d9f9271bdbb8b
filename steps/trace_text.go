package steps

import (
	"fmt"

	"kmslab/awsops"
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
func TraceLines(e *awsops.Explanation) []TraceLine {
	if e == nil {
		return nil
	}
	if e.Trace == nil || e.Trace.Trace == nil {
		if e.TraceError != "" {
			return []TraceLine{{Mark: "✗", Text: "no local trace: " + e.TraceError}}
		}
		return nil
	}
	t := e.Trace
	mark := func(ok bool) string {
		if ok {
			return "✓"
		}
		return "·"
	}
	out := []TraceLine{{Text: fmt.Sprintf("%s %s: %s (%s)", t.Principal, t.Action, t.Verdict(), t.Reason)}}
	if t.KeyState != "" && t.KeyState != "Enabled" {
		out = append(out, TraceLine{Mark: "✗", Text: "the key is " + t.KeyState})
	}
	for i := range t.Policies {
		p := &t.Policies[i]
		line := TraceLine{Text: p.Label() + ": " + p.Decision.String()}
		if p.Unreadable != "" {
			line.Text += " (unreadable: " + p.Unreadable + ")"
		}
		out = append(out, line)
		for j := range p.Statements {
			s := &p.Statements[j]
			out = append(out, TraceLine{Depth: 1, Mark: mark(s.Applies), Text: s.Label() + " " + s.Effect + ": " + s.Why()})
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
	if t.Disagreement != "" {
		out = append(out, TraceLine{Mark: "!", Text: t.Disagreement})
	}
	return out
}
