package ui

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// auditRows is how many of the latest KMS calls the panel shows.
const auditRows = 8

// auditView is the audit trail: the latest KMS calls, each with who made it.
type auditView struct {
	noKeys
	c      common
	width  int
	events []AuditEvent
}

// SetSize sets the width to draw at.
func (v *auditView) SetSize(w, _ int) { v.width = w }

// View lists the latest KMS calls, a refused one in red and marked,
// then says in words what the latest refusal was: that DynamoDB asked KMS
// as the test user, and KMS said no, is the lab's point.
func (v *auditView) View() string {
	st, w, events := *v.c.styles, v.width, v.events
	var kms []AuditEvent
	for _, e := range events {
		if strings.Contains(strings.ToLower(e.Service), "kms") {
			kms = append(kms, e)
		}
	}
	if len(kms) == 0 {
		return st.Muted.Render("No KMS calls yet.")
	}
	story := auditStory(st, w, kms)
	skipped := 0
	if len(kms) > auditRows {
		skipped = len(kms) - auditRows
		kms = kms[skipped:]
	}
	headers := []string{"Time", "KMS call", "Caller", "Invoked by", "Decision"}
	rows := make([][]string, len(kms))
	for i, e := range kms {
		dec := "allowed"
		if e.denied() {
			dec = "✗ DENIED"
		}
		via := strings.TrimSuffix(e.InvokedBy, ".amazonaws.com")
		if via == "" {
			via = "(direct)"
		}
		t := ""
		if !e.Time.IsZero() {
			t = e.Time.UTC().Format("15:04:05")
		}
		rows[i] = []string{t, e.Operation, shortARN(e.Caller), via, dec}
	}
	widths := make([]int, len(headers))
	for c, h := range headers {
		widths[c] = lipgloss.Width(h)
		for _, r := range rows {
			widths[c] = max(widths[c], lipgloss.Width(r[c]))
		}
	}
	// The time goes first when the panel is narrow, then the caller gives way.
	fixed := func() int {
		n := 0
		for c, wd := range widths {
			if c != 2 && wd > 0 {
				n += wd + 2
			}
		}
		return n
	}
	if fixed()+widths[2] > w {
		widths[0] = 0
	}
	widths[2] = max(min(widths[2], w-fixed()), 6)
	line := func(cells []string, style func(c int) lipgloss.Style) string {
		var b strings.Builder
		for c, v := range cells {
			if widths[c] == 0 {
				continue
			}
			v = padRight(ansi.Truncate(v, widths[c], "…"), widths[c])
			b.WriteString(style(c).Render(v))
			if c < len(cells)-1 {
				b.WriteString("  ")
			}
		}
		return b.String()
	}
	out := []string{line(headers, func(int) lipgloss.Style { return st.TableHead.UnsetPadding() })}
	if skipped > 0 {
		out = append(out, st.Muted.Render("… "+itoa(skipped)+" earlier call(s)"))
	}
	for i, r := range rows {
		denied := kms[i].denied()
		out = append(out, line(r, func(c int) lipgloss.Style {
			switch {
			case denied:
				return st.AuditDeny
			case c == 4:
				return st.AuditAllow
			}
			return st.Value
		}))
	}
	if story != "" {
		out = append(out, "", story)
	}
	return strings.Join(out, "\n")
}

// auditStory tells the latest refusal in a sentence, and whether the same
// caller was allowed the same call afterwards.
func auditStory(st Styles, w int, kms []AuditEvent) string {
	last := -1
	for i, e := range kms {
		if e.denied() {
			last = i
		}
	}
	if last < 0 {
		return ""
	}
	d := kms[last]
	who := shortARN(d.Caller)
	var s string
	if via := strings.TrimSuffix(d.InvokedBy, ".amazonaws.com"); via != "" {
		s = "✗ " + serviceName(via) + " called KMS " + d.Operation + " as " + who +
			" (DynamoDB acts with the caller's permissions, not its own), and KMS refused."
	} else {
		s = "✗ " + who + " called KMS " + d.Operation + ", and KMS refused."
	}
	out := st.AuditDeny.Render(wrapText(s, w, ""))
	for _, e := range kms[last+1:] {
		if e.Operation == d.Operation && e.Caller == d.Caller && !e.denied() {
			out += "\n" + st.AuditAllow.Render(wrapText("✓ Later, the same call as "+who+" was allowed.", w, ""))
			break
		}
	}
	return out
}

// serviceName spells an AWS service's short name as people write it.
func serviceName(s string) string {
	switch strings.ToLower(s) {
	case "dynamodb":
		return "DynamoDB"
	case "kms":
		return "KMS"
	case "iam":
		return "IAM"
	case "sts":
		return "STS"
	}
	return s
}
