package ui

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"charm.land/lipgloss/v2"

	"kmslab/awsops/explain"
	"kmslab/policy"
)

// whyPanel draws the policy evaluation trace of a denial and of its fix: first the key
// policy in plain words and what it means for this user (and, when denied,
// both ways to fix it), then every statement as a compact row, then what
// "implicit deny" means. It is a value redrawn for its width, like the
// other result views' parts.
type whyPanel struct {
	st    Styles
	tr    *explain.Trace
	after bool // the same trace after the key policy edit
	// fixedBy names the step that takes the first way in (the grant step), if any.
	fixedBy string
}

// View renders the panel's body for an inner width of w columns.
func (p whyPanel) View(w int) string {
	w = max(w, 20)
	tr := p.tr
	var out []string
	// The headline is the decision as policy.Narrate tells it; the lead
	// after it explains the key policy's shape.
	out = append(out, wrapText(p.st.Bold.Render(policy.Narrate(tr.Trace).Summary), w, "/"))
	out = append(out, wrapText(p.lead(), w, "/"))
	if tr.Disagreement != "" {
		out = append(out, wrapText(p.st.Warn.Render("⚠ Check: ")+tr.Disagreement, w, "/"))
	}
	out = append(out, p.st.Bold.Render("Statement by statement"), p.table(w))
	if tr.Verdict() == "AccessDenied" && tr.Decision == policy.NoDecision {
		// Teaching: "By default, all requests are implicitly denied" (IAM
		// User Guide, Policy evaluation logic,
		// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
		out = append(out, wrapText(p.st.Bold.Render("Implicit deny: ")+
			"AWS refuses every request that no statement allows, even when none denies it.", w, ""))
	}
	if len(tr.Missing) > 0 {
		var m []string
		for _, s := range tr.Missing {
			m = append(m, wrapText("• "+s, w, "/"))
		}
		out = append(out, p.st.Warn.Render("Not read, so this may be incomplete:")+"\n"+strings.Join(m, "\n"))
	}
	return strings.Join(out, "\n\n")
}

// lead says whom the key policy lets in (what the document says, no
// decision), then what the engine found at the rules that bore on the
// request without deciding it (policy.Findings: the same evaluation's
// words, so nothing here can disagree with the headline), then, for a
// request no statement allowed, the ways in that AWS documents.
func (p whyPanel) lead() string {
	tr := p.tr
	user := shortARN(tr.Principal)
	kp := tr.Policy(policy.KindKeyPolicy)
	if kp == nil || kp.Unreadable != "" {
		return "The key policy could not be read, so the decision below is partial."
	}
	var allowing []*policy.StatementTrace
	var root *policy.StatementTrace
	for i := range kp.Statements {
		s := &kp.Statements[i]
		if s.Effect != policy.EffectAllow || s.Principal == nil {
			continue
		}
		if s.Applies && s.Delegates && root == nil {
			root = s
		}
		allowing = append(allowing, s)
	}
	in := whoFor(allowing)
	var out []string
	if len(in) > 0 {
		out = append(out, "The key policy lets in "+joinAnd(in)+".")
	}
	for _, f := range policy.Findings(tr.Trace) {
		out = append(out, shortARNs(f))
	}
	if tr.Verdict() != "AccessDenied" || tr.Decision == policy.Deny {
		return strings.Join(out, " ")
	}
	// Teaching, stating no decision: "Unless the key policy explicitly
	// allows it, you cannot use IAM policies to allow access to a KMS key"
	// (AWS KMS Developer Guide, Key policies,
	// https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html);
	// a grant is the third mechanism (control-access.html).
	if root != nil {
		does := ""
		if p.fixedBy != "" {
			does = " (" + p.fixedBy + " does this)"
		}
		out = append(out, fmt.Sprintf("So there are two ways in: name %s in the key policy%s, or attach an IAM policy "+
			"that allows %s on this key, which the %s statement lets count.", user, does, tr.Action, root.Label()))
	} else {
		out = append(out, fmt.Sprintf("Without a statement naming the account, IAM policies have no effect on this key: "+
			"only a key policy statement naming %s, or a grant, can let %s in.", user, user))
	}
	return strings.Join(out, " ")
}

// whoFor says whom the key policy's Allow statements let in, each principal
// once with the actions of all its statements: "the account root (kms:*)",
// "lab-admin (kms:Create*, kms:Describe*, … 19 more)". The console's policy
// names the administrator in three statements; one entry reads as one person.
func whoFor(statements []*policy.StatementTrace) []string {
	var order []string
	acts := map[string][]string{}
	for _, s := range statements {
		for _, p := range s.Principals {
			var who string
			switch {
			case p == "*":
				who = "everyone"
			case strings.HasSuffix(p, ":root") || (len(p) == 12 && strings.Trim(p, "0123456789") == ""):
				who = "the account root"
			default:
				who = shortARN(p)
			}
			if _, seen := acts[who]; !seen {
				order = append(order, who)
			}
			for _, a := range s.Actions {
				if !slices.Contains(acts[who], a) {
					acts[who] = append(acts[who], a)
				}
			}
		}
	}
	out := make([]string, 0, len(order))
	for _, who := range order {
		a := acts[who]
		what := strings.Join(a, ", ")
		if len(a) > 2 {
			what = fmt.Sprintf("%s, %s, … %d more", a[0], a[1], len(a)-2)
		}
		out = append(out, who+" ("+what+")")
	}
	return out
}

func joinAnd(l []string) string {
	switch len(l) {
	case 0:
		return ""
	case 1:
		return l[0]
	}
	return strings.Join(l[:len(l)-1], ", ") + " and " + l[len(l)-1]
}

// shortARNs writes the IAM user and role ARNs in a why as their names:
// within one account the name is what tells callers apart.
var iamARN = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`arn:aws[a-z-]*:iam::\d{12}:(?:user|role)/(?:[\w+=,.@-]+/)*([\w+=,.@-]+)`)
})

func shortARNs(s string) string { return iamARN().ReplaceAllString(s, "$1") }

// table is one row per statement: its name, its verdict, and why in a few
// words, under the policy it belongs to. The statement that lets the user
// in is marked. Narrow, the verdict and why go under the name.
func (p whyPanel) table(w int) string {
	const verdictW = 15
	narrow := w < 70
	nameW := min(30, max(12, w/3))
	whyW := max(w-nameW-verdictW-4, 10)
	if narrow {
		nameW, whyW = w-2, max(w-verdictW-5, 10)
	}
	var rows []string
	row := func(name, verdict string, style lipgloss.Style, why string) {
		whyLines := strings.Split(wrapText(shortARNs(why), whyW, "/:,"), "\n")
		nameLines := strings.Split(wrapText(name, nameW, ""), "\n")
		if narrow {
			for _, l := range nameLines {
				rows = append(rows, "  "+l)
			}
			for i, y := range whyLines {
				v := ""
				if i == 0 {
					v = verdict
				}
				rows = append(rows, "    "+style.Render(padRight(v, verdictW))+" "+p.st.Muted.Render(y))
			}
			return
		}
		for i := 0; i < max(len(whyLines), len(nameLines)); i++ {
			n, v, y := "", "", ""
			if i < len(nameLines) {
				n = nameLines[i]
			}
			if i == 0 {
				v = verdict
			}
			if i < len(whyLines) {
				y = whyLines[i]
			}
			rows = append(rows, "  "+padRight(n, nameW)+" "+style.Render(padRight(v, verdictW))+" "+p.st.Muted.Render(y))
		}
	}
	for _, pol := range p.tr.Policies {
		head := pol.Label()
		if pol.Unreadable != "" {
			head += ": not read (" + pol.Unreadable + ")"
		}
		rows = append(rows, p.st.Key.Render(wrapText(head, w, "/")))
		for _, s := range pol.Statements {
			verdict, style := "does not apply", p.st.Muted
			switch {
			case s.Applies && s.Effect == policy.EffectDeny:
				verdict, style = "DENIES", p.st.Error
			case s.Applies && s.Delegates:
				verdict, style = "→ IAM decides", p.st.Warn
			case s.Applies:
				verdict, style = "✓ allows", p.st.OK
			}
			why := s.Why()
			if s.Applies && !s.Delegates && s.Effect == policy.EffectAllow && s.Principal != nil {
				why = s.Principal.Why
				if p.after {
					why = "◀ now matches: " + why
				}
			}
			row(s.Label(), verdict, style, why)
		}
	}
	for _, g := range p.tr.Grants {
		verdict, style := "does not apply", p.st.Muted
		if g.Applies {
			verdict, style = "✓ allows", p.st.OK
		}
		row("grant "+g.ID, verdict, style, g.Why)
	}
	return strings.Join(rows, "\n")
}
