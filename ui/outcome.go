package ui

import (
	"errors"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"kmslab/awsops"
	"kmslab/steps"
)

// renderOutcome draws whatever a step produced, in a fixed order: summary,
// failure, denial, key, table, user, items, policy change, access, cleanup.
func (m Model) renderOutcome(w int, ss stepState) string {
	st := m.styles
	o := ss.outcome
	var out []string
	switch ss.status {
	case statusFailed:
		out = append(out, m.renderFailure(w, o))
	case statusDenied:
		out = append(out, wrapText(st.StatusDenied.Render("⊘ Denied, as the lab expects.")+" "+o.Summary, w, "/"))
	default:
		if o.Summary != "" {
			out = append(out, wrapText(st.OK.Render("✓ ")+o.Summary, w, "/"))
		}
	}
	if o.Access != nil && o.Access.Denied != nil {
		out = append(out, m.renderDenied(w, o))
	}
	// With a table, the key is a reminder of part 1 (which showed it whole):
	// the table and its encryption come first, the key in brief after.
	if o.Key != nil && o.Table == nil {
		out = append(out, m.renderKey(w, *o.Key, o.Change == nil))
	}
	if o.Table != nil && !(o.Access != nil && o.Access.Denied != nil) {
		out = append(out, m.renderTable(w, *o.Table))
	}
	if o.Key != nil && o.Table != nil {
		out = append(out, m.renderKeyBrief(w, *o.Key))
	}
	if o.User != nil {
		out = append(out, m.renderUser(w, *o.User))
	}
	if len(o.Items) > 0 {
		out = append(out, m.section("Items"), itemsTable(st, w, o.Items))
	}
	if o.Change != nil {
		out = append(out, m.renderChange(w, *o.Change))
	}
	if o.Access != nil && o.Access.Denied == nil {
		out = append(out, m.section("Read as the test user"),
			st.OK.Render("✓ Allowed: ")+itoa(len(o.Access.Items))+" item(s) read and decrypted.")
		if len(o.Access.Items) > 0 {
			out = append(out, itemsTable(st, w, o.Access.Items))
		}
	}
	if o.Explanation != nil && (o.Access == nil || o.Access.Denied == nil) {
		out = append(out, m.section("Policy simulation"), m.renderExplanation(w, *o.Explanation))
	}
	if o.Cleanup != nil {
		out = append(out, m.renderCleanup(w, *o.Cleanup))
	}
	return strings.Join(out, "\n")
}

func (m Model) renderFailure(w int, o steps.Outcome) string {
	st := m.styles
	inner := max(w-st.ErrorBox.GetHorizontalFrameSize(), 10)
	var ae *awsops.Error
	if !errors.As(o.Err, &ae) {
		msg := "the step failed"
		if o.Err != nil {
			msg = o.Err.Error()
		} else if o.Summary != "" {
			msg = o.Summary
		}
		return box(st.ErrorBox, w, st.Error.Render("✗ FAILED")+"  "+msg+"\n\n"+st.Muted.Render("Press r to retry this step."))
	}
	// An awsops.Error is already taken apart: show its parts, not its sentence.
	var pairs [][2]string
	if ae.Resource != "" {
		pairs = append(pairs, [2]string{"Resource", ae.Resource})
	}
	if ae.Code != "" {
		pairs = append(pairs, [2]string{"AWS error", ae.Code})
	}
	if ae.Message != "" {
		pairs = append(pairs, [2]string{"What happened", ae.Message})
	}
	if ae.Err != nil && ae.Err.Error() != ae.Message {
		pairs = append(pairs, [2]string{"Details", ae.Err.Error()})
	}
	body := st.Error.Render("✗ FAILED") + "  " + st.Bold.Render(ae.Op)
	if len(pairs) > 0 {
		body += "\n\n" + kvLines(st, inner, pairs)
	}
	if ae.Hint != "" {
		body += "\n\n" + st.Bold.Render("What to do: ") + ae.Hint
	}
	body += "\n\n" + st.Muted.Render("Press r to retry this step.")
	return box(st.ErrorBox, w, body)
}

func (m Model) renderKey(w int, k awsops.Key, withPolicy bool) string {
	st := m.styles
	pairs := [][2]string{{"Key ID", k.ID}, {"ARN", k.ARN}}
	if k.Alias != "" {
		pairs = append(pairs, [2]string{"Alias", k.Alias})
	}
	pairs = append(pairs,
		[2]string{"State", k.State},
		[2]string{"Spec / usage", k.Spec + " / " + k.Usage},
		[2]string{"Managed by", k.Manager},
	)
	if !k.Created.IsZero() {
		pairs = append(pairs, [2]string{"Created", k.Created.UTC().Format("2006-01-02 15:04:05 UTC")})
	}
	if k.Description != "" {
		pairs = append(pairs, [2]string{"Description", k.Description})
	}
	out := []string{m.section("KMS key"), kvLines(st, w, pairs)}
	if withPolicy && k.Policy != "" {
		out = append(out, m.section("Key policy"), m.renderJSON(w, k.Policy))
	}
	return strings.Join(out, "\n")
}

// renderKeyBrief names the key a table is encrypted with, without its policy.
func (m Model) renderKeyBrief(w int, k awsops.Key) string {
	pairs := [][2]string{}
	if k.Alias != "" {
		pairs = append(pairs, [2]string{"Alias", k.Alias})
	}
	pairs = append(pairs, [2]string{"Key ID", k.ID}, [2]string{"State", k.State})
	return m.section("KMS key (created in part 1)") + "\n" + kvLines(m.styles, w, pairs)
}

// renderJSON shows a JSON document indented and colored, long lines cut
// rather than wrapped so the indentation keeps meaning.
func (m Model) renderJSON(w int, doc string) string {
	lines := strings.Split(prettyJSON(doc), "\n")
	for i, l := range lines {
		lines[i] = highlightJSON(m.styles, ansi.Truncate(l, w, "…"))
	}
	return strings.Join(lines, "\n")
}

func (m Model) renderTable(w int, t awsops.Table) string {
	st := m.styles
	pairs := [][2]string{{"Table", t.Name}}
	if t.ARN != "" {
		pairs = append(pairs, [2]string{"ARN", t.ARN})
	}
	pairs = append(pairs, [2]string{"Status", t.Status})
	if t.KeySchema != "" {
		pairs = append(pairs, [2]string{"Key schema", t.KeySchema})
	}
	out := []string{m.section("DynamoDB table"), kvLines(st, w, pairs), m.section("Encryption at rest (SSEDescription)")}
	if t.SSE.Type == "" && t.SSE.Status == "" {
		out = append(out, st.Warn.Render("AWS owned key (the default): no SSEDescription, and no key policy of yours applies."))
	} else {
		out = append(out, kvLines(st, w, [][2]string{
			{"Status", t.SSE.Status}, {"SSEType", t.SSE.Type}, {"KMSMasterKeyArn", t.SSE.KMSKeyARN},
		}))
	}
	return strings.Join(out, "\n")
}

func (m Model) renderUser(w int, u awsops.TestUser) string {
	st := m.styles
	pairs := [][2]string{{"User", u.Name}, {"ARN", u.ARN}, {"Access key", u.AccessKeyID + "  (secret kept in memory only)"}}
	for i, p := range u.Policies {
		k := ""
		if i == 0 {
			k = "Policies"
		}
		pairs = append(pairs, [2]string{k, p})
	}
	return m.section("Test user") + "\n" + kvLines(st, w, pairs)
}

// itemsTable shows items as rows, one column per attribute name in order of
// first appearance, headed "name (type)".
func itemsTable(st Styles, w int, items []awsops.Item) string {
	var cols []string
	types := map[string]string{}
	for _, it := range items {
		for _, a := range it {
			if _, ok := types[a.Name]; !ok {
				cols = append(cols, a.Name)
				types[a.Name] = a.Type
			}
		}
	}
	headers := make([]string, len(cols))
	for i, c := range cols {
		headers[i] = c + " (" + types[c] + ")"
	}
	rows := make([][]string, len(items))
	for r, it := range items {
		row := make([]string, len(cols))
		for i, c := range cols {
			row[i] = it.Get(c)
		}
		rows[r] = row
	}
	if len(cols) == 0 {
		return st.Muted.Render("(no attributes)")
	}
	return dataTable(st, w, headers, rows)
}

func (m Model) renderExplanation(w int, e awsops.Explanation) string {
	st := m.styles
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
	for _, d := range e.Details {
		pairs = append(pairs, [2]string{d.Source, decisionWord(st, d.Decision)})
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

func decisionWord(st Styles, d string) string {
	switch strings.ToLower(d) {
	case "allowed", "allow":
		return st.OK.Render(d)
	case "implicitdeny", "explicitdeny", "deny", "denied":
		return st.Error.Render(d)
	}
	return d
}

func (m Model) renderChange(w int, c awsops.PolicyChange) string {
	st := m.styles
	out := []string{m.section("Key policy change")}
	if !c.Changed && c.Before == c.After {
		out = append(out, st.Muted.Render("The policy already allowed the test user: nothing changed."))
		return strings.Join(out, "\n")
	}
	for _, p := range c.Added {
		out = append(out, st.OK.Render("+ principal ")+p)
	}
	out = append(out, policyDiff(st, w, prettyJSON(c.Before), prettyJSON(c.After)))
	return strings.Join(out, "\n")
}

func (m Model) renderCleanup(w int, r awsops.CleanupReport) string {
	st := m.styles
	rows := make([][]string, 0, len(r.Resources))
	for _, f := range r.Resources {
		outcome := f.Outcome
		if f.Err != nil {
			outcome = "✗ " + f.Err.Error()
		}
		rows = append(rows, []string{f.Kind, f.Name, outcome})
	}
	head := st.OK.Render("✓ Everything this run created is gone or scheduled for deletion.")
	if !r.OK() {
		head = st.Error.Render("✗ Some resources may remain: press r to retry, or run `kmslab cleanup` later.")
	}
	if len(rows) == 0 {
		return m.section("Cleanup") + "\n" + st.Muted.Render("Nothing to remove.")
	}
	return m.section("Cleanup") + "\n" + head + "\n" + dataTable(st, w, []string{"Kind", "Name", "Outcome"}, rows)
}

// renderDenied is part 5's decisive screen: impossible to miss, in red and,
// without color, in a heavy frame with a reversed banner.
func (m Model) renderDenied(w int, o steps.Outcome) string {
	st := m.styles
	d := o.Access.Denied
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

	// The why panel and the contrast sit side by side when there is room;
	// their text is wrapped to the box it goes in.
	whyW, conW := w, w
	if w >= 110 {
		whyW = (w - 1) / 2
		conW = w - whyW - 1
	}
	whyInner := whyW - st.WhyBox.GetHorizontalFrameSize()
	conInner := conW - st.ContrastBox.GetHorizontalFrameSize()
	var why []string
	if r := strings.TrimSpace(d.Reason); r != "" {
		r = strings.TrimPrefix(strings.TrimPrefix(r, "because "), "Because ")
		why = append(why, wrapText(st.Bold.Render("Because ")+r, whyInner, ""))
	}
	if o.Explanation != nil {
		why = append(why, m.renderExplanation(whyInner, *o.Explanation))
	} else {
		why = append(why, wrapText("The key policy delegates to IAM, and the user's only policy, AmazonDynamoDBFullAccess, grants no kms:Decrypt.", whyInner, ""))
	}
	contrast := st.OK.Render("✓ DescribeTable works for the same user.") + "\n" +
		wrapText("Describing a table is metadata: no KMS call. Reading items needs the table key, which DynamoDB decrypts with KMS as the caller, and that is what was refused.", conInner, "")
	if o.Table != nil {
		contrast += "\n\n" + kvLines(st, conInner, [][2]string{
			{"Table", o.Table.Name}, {"Status", o.Table.Status}, {"SSE", strings.TrimSpace(o.Table.SSE.Status + " " + o.Table.SSE.Type)},
		})
	}
	whyBody := st.Warn.Render("WHY") + "\n" + strings.Join(why, "\n\n")
	conBody := st.OK.Render("CONTRAST") + "\n" + contrast
	if w >= 110 {
		h := max(lipgloss.Height(box(st.WhyBox, whyW, whyBody)), lipgloss.Height(box(st.ContrastBox, conW, conBody)))
		left := box(st.WhyBox.Height(h), whyW, whyBody)
		right := box(st.ContrastBox.Height(h), conW, conBody)
		return denied + "\n" + lipgloss.JoinHorizontal(lipgloss.Top, left, " ", right)
	}
	return denied + "\n" + box(st.WhyBox, whyW, whyBody) + "\n" + box(st.ContrastBox, conW, conBody)
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
