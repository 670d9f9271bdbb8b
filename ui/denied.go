package ui

import (
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"kmslab/awsops"
	"kmslab/awsops/explain"
	"kmslab/policy"
	"kmslab/steps"
)

func init() {
	registerResult(func(c common, r steps.ReadDenied) resultView { return &deniedView{staticView{c: c}, r} })
}

// deniedView is the refused read's decisive screen: the refusal, impossible to miss (in
// red and, without color, in a heavy frame with a reversed banner), why, and
// the contrast of the same user describing the table.
type deniedView struct {
	staticView
	r steps.ReadDenied
}

func (v *deniedView) Update(tea.Msg) (resultView, tea.Cmd, bool) { return v, nil, false }

func (v *deniedView) View() string {
	return renderDenied(v.c, v.width, v.r.Denied, v.r.Explanation, v.r.Table, v.r.FixedBy)
}

func renderDenied(c common, w int, d awsops.Denied, ex *explain.Explanation, table *awsops.Table, fixedBy string) string {
	st := *c.styles
	inner := max(w-st.DeniedBox.GetHorizontalFrameSize(), 10)
	banner := st.DeniedBanner.Render(padRight("⛔ ACCESS DENIED  "+d.Code, inner-2))
	call := strings.TrimSpace(d.Service + " " + d.Operation)
	pairs := [][2]string{}
	if call != "" {
		pairs = append(pairs, [2]string{"Call", call + " (as the test user)"})
	}
	pairs = append(pairs,
		[2]string{"Denied action", st.DeniedLabel.Render(d.Action)},
		[2]string{"Key", d.Resource},
	)
	if d.Principal != "" {
		pairs = append(pairs, [2]string{"Principal", d.Principal})
	}
	body := banner + "\n\n" + kvLines(st, inner, pairs) + "\n\n" +
		st.DeniedLabel.Render("AWS says:") + "\n" + wrapText(d.Message, inner, "/")
	denied := st.DeniedBox.Width(w).Render(body)

	// With a trace the why panel takes the whole width (its statement table
	// needs it) and the contrast follows; without, the two sit side by side
	// when there is room. Their text is wrapped to the box it goes in.
	whyW, conW := w, w
	traced := ex != nil && ex.Trace != nil
	if w >= 110 && !traced {
		whyW = (w - 1) / 2
		conW = w - whyW - 1
	}
	whyInner := whyW - st.WhyBox.GetHorizontalFrameSize()
	conInner := conW - st.ContrastBox.GetHorizontalFrameSize()
	var why []string
	switch {
	case traced:
		why = []string{whyPanel{st: st, tr: ex.Trace, fixedBy: fixedBy}.View(whyInner)}
	case ex != nil:
		why = append(why, renderExplanation(st, whyInner, *ex))
		if ex.TraceError != "" {
			why = append(why, wrapText(st.Warn.Render("No statement-by-statement trace: ")+ex.TraceError, whyInner, "/"))
		}
	default:
		why = append(why, wrapText("The key policy delegates to IAM, and the user's only policy, AmazonDynamoDBFullAccess, grants no kms:Decrypt.", whyInner, ""))
	}
	contrast := st.OK.Render("✓ DescribeTable works for the same user.") + "\n" +
		wrapText("Describing a table is metadata: no KMS call. Reading items needs the table key, which DynamoDB decrypts with KMS as the caller, and that is what was refused.", conInner, "")
	if table != nil {
		contrast += "\n\n" + kvLines(st, conInner, [][2]string{
			{"Table", table.Name}, {"Status", table.Status}, {"SSE", strings.TrimSpace(table.SSE.Status + " " + table.SSE.Type)},
		})
	}
	whyBody := st.Warn.Render("WHY") + "\n" + strings.Join(why, "\n\n")
	conBody := st.OK.Render("CONTRAST") + "\n" + contrast
	if w >= 110 && !traced {
		h := max(lipgloss.Height(box(st.WhyBox, whyW, whyBody)), lipgloss.Height(box(st.ContrastBox, conW, conBody)))
		left := box(st.WhyBox.Height(h), whyW, whyBody)
		right := box(st.ContrastBox.Height(h), conW, conBody)
		return denied + "\n" + lipgloss.JoinHorizontal(lipgloss.Top, left, " ", right)
	}
	return denied + "\n" + box(st.WhyBox, whyW, whyBody) + "\n" + box(st.ContrastBox, conW, conBody)
}

func renderExplanation(st Styles, w int, e explain.Explanation) string {
	var lines []string
	if e.Summary != "" {
		lines = append(lines, wrapText(e.Summary, max(w, 10), ""), "")
	}
	pairs := [][2]string{}
	if e.Action != "" {
		pairs = append(pairs, [2]string{"Action", e.Action})
	}
	if e.Decision != "" {
		pairs = append(pairs, [2]string{"Decision", decisionWord(st, e.Decision)})
	}
	for i, s := range e.Matched {
		k := ""
		if i == 0 {
			k = "Statements"
		}
		v := s.Source
		if s.Sid != "" {
			v += ": " + s.Sid
		}
		pairs = append(pairs, [2]string{k, v})
	}
	if len(e.Matched) == 0 && e.Decision != "" && !strings.EqualFold(e.Decision, "allowed") {
		pairs = append(pairs, [2]string{"Statements", "none allows it"})
	}
	if len(pairs) > 0 {
		lines = append(lines, kvLines(st, max(w, 10), pairs))
	}
	return strings.Join(lines, "\n")
}

// decisionWord shows the simulator's decision in the narrative's words, never
// its enum (implicitDeny).
func decisionWord(st Styles, d string) string {
	switch strings.ToLower(d) {
	case "allowed", "allow":
		return st.OK.Render(policy.WordAllowed)
	case "implicitdeny":
		return st.Error.Render(policy.WordImplicitDeny)
	case "explicitdeny", "deny":
		return st.Error.Render(policy.WordExplicitDeny)
	}
	return d
}

// shortARN keeps the last part of an ARN (alice for ...:user/alice), which
// is what a reader needs to tell callers apart.
func shortARN(arn string) string {
	if i := strings.LastIndexByte(arn, ':'); i >= 0 && strings.HasPrefix(arn, "arn:") {
		arn = arn[i+1:]
	}
	if i := strings.LastIndexByte(arn, '/'); i >= 0 {
		return arn[i+1:]
	}
	return arn
}
