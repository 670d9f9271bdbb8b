package ui

import (
	"bytes"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"kmslab/awsops"
)

// extrasContent draws the offline-only panels, each labelled as such.
func (m Model) extrasContent(w int) []string {
	st := m.styles
	var out []string
	x := m.extras
	inner := w - st.ExtrasBox.GetHorizontalFrameSize()
	if m.showAtRest {
		var body string
		switch {
		case x == nil:
			body = st.Muted.Render("reading…")
		case x.atRest == nil:
			body = st.Muted.Render("No table exists (not yet, or no longer): nothing is stored.")
		default:
			body = m.renderAtRest(inner, *x.atRest)
		}
		out = append(out, "", box(st.ExtrasBox, w, panelHeading(st, inner, "OFFLINE ONLY · AT REST",
			"bytes on disk; AWS never shows you these")+"\n\n"+body))
	}
	if m.showAudit {
		body := st.Muted.Render("reading…")
		if x != nil {
			body = m.renderAudit(inner, x.audit)
		}
		out = append(out, "", box(st.ExtrasBox, w, panelHeading(st, inner, "OFFLINE ONLY · AUDIT TRAIL",
			"every KMS call, as CloudTrail records it")+"\n\n"+body))
	}
	return out
}

// panelHeading is a panel's tag with its subtitle beside it, or below it when
// both do not fit on one line (a subtitle broken mid-phrase reads badly).
func panelHeading(st Styles, w int, tag, sub string) string {
	t := st.ExtrasTag.Render(tag)
	if lipgloss.Width(t)+2+ansi.StringWidth(sub) <= w {
		return t + "  " + st.Muted.Render(sub)
	}
	return t + "\n" + st.Muted.Render(wrapText(sub, max(w, 10), ""))
}

func (m Model) renderAtRest(w int, a AtRest) string {
	st := m.styles
	out := []string{st.Bold.Render("Table key, wrapped under your KMS key") + st.Muted.Render(" ("+itoa(len(a.WrappedKey))+" bytes)"),
		m.hexBlock(a.WrappedKey, w, 48)}
	if id := m.labKeyID(); id != "" && bytes.Contains(a.WrappedKey, []byte(id)) {
		out = append(out, st.Muted.Render(wrapText("Readable in it: only the id of the KMS key that can unwrap it. "+
			"The table key itself is sealed.", w, "")))
	}
	if len(a.Items) == 0 {
		out = append(out, "", st.Muted.Render("No items stored yet."))
	}
	for i, it := range a.Items {
		title := st.Bold.Render("Item "+itoa(i+1)+" as stored") + st.Muted.Render(": "+itoa(len(it.Ciphertext))+" bytes of ciphertext")
		if i >= len(m.lastItems) {
			out = append(out, "", title, m.hexBlock(it.Ciphertext, w, 96))
			continue
		}
		plainTitle := st.Bold.Render("Item " + itoa(i+1) + " decrypted")
		if m.lastItemsPart > 0 {
			plainTitle += st.Muted.Render(" (as read in part " + itoa(m.lastItemsPart) + ")")
		}
		// Side by side when both fit: the unreadable bytes next to the item.
		if n := sideBySideBytes(w); n > 0 {
			left := hexWidth(n)
			short := st.Bold.Render("Item "+itoa(i+1)+" as stored") + st.Muted.Render(" ("+itoa(len(it.Ciphertext))+" bytes)")
			out = append(out, "", sideBySidePanels(st, short, m.hexBlock(it.Ciphertext, left, 96), left,
				plainTitle, itemKV(st, m.lastItems[i], w-left-3)))
			continue
		}
		out = append(out, "", title, m.hexBlock(it.Ciphertext, w, 96), "", plainTitle, itemKV(st, m.lastItems[i], w))
	}
	return strings.Join(out, "\n")
}

// sideBySideBytes is how many bytes a row of the ciphertext holds when the
// decrypted item fits beside it in w columns, or 0 when it does not.
func sideBySideBytes(w int) int {
	const minRight = 40 // "secret (S)   The vault opens with 4-8-15-16" whole
	for _, n := range []int{16, 8} {
		if hexWidth(n)+3+minRight <= w {
			return n
		}
	}
	return 0
}

// sideBySidePanels puts two titled blocks next to each other, the left one
// leftW columns wide, with a rule between.
func sideBySidePanels(st Styles, lt, lb string, leftW int, rt, rb string) string {
	left := lipgloss.NewStyle().Width(leftW).Render(ansi.Truncate(lt, leftW, "…") + "\n" + lb)
	right := rt + "\n" + rb
	h := max(lipgloss.Height(left), lipgloss.Height(right))
	rule := st.TableEdge.Render(strings.TrimSuffix(strings.Repeat(" │ \n", h), "\n"))
	return lipgloss.JoinHorizontal(lipgloss.Top, left, rule, right)
}

// labKeyID is the lab key's id, from whichever step reported the key.
func (m Model) labKeyID() string {
	for _, s := range m.steps {
		if s.outcome.Key != nil && s.outcome.Key.ID != "" {
			return s.outcome.Key.ID
		}
	}
	return ""
}

// hexBlock is hexDump styled: bytes in the hex color, the text column dimmed.
func (m Model) hexBlock(b []byte, width, maxBytes int) string {
	st := m.styles
	lines := strings.Split(hexDump(b, width, maxBytes), "\n")
	for i, l := range lines {
		if hex, text, ok := strings.Cut(l, hexGap); ok {
			lines[i] = st.Hex.Render(hex) + hexGap + st.Muted.Render(text)
		} else {
			lines[i] = st.Muted.Render(l)
		}
	}
	return strings.Join(lines, "\n")
}

// hexGap separates the hex pairs from the text column.
const hexGap = "  "

// hexWidth is the width of a hexDump row of n bytes.
func hexWidth(n int) int { return 3*n - 1 + len(hexGap) + n }

// hexDump shows bytes as xxd does: rows of hex pairs, then the same bytes as
// text, printable ASCII as itself and anything else as a dot, so ciphertext
// reads as the noise it is next to a decrypted item. Rows hold a multiple of
// four bytes, at most 16; at most maxBytes are shown.
func hexDump(b []byte, width, maxBytes int) string {
	per := 4
	for n := 16; n >= 4; n -= 4 {
		if hexWidth(n) <= width {
			per = n
			break
		}
	}
	shown := b
	if len(shown) > maxBytes {
		shown = shown[:maxBytes]
	}
	const digits = "0123456789abcdef"
	var lines []string
	for i := 0; i < len(shown); i += per {
		row := shown[i:min(i+per, len(shown))]
		var sb strings.Builder
		for j, c := range row {
			if j > 0 {
				sb.WriteByte(' ')
			}
			sb.WriteByte(digits[c>>4])
			sb.WriteByte(digits[c&0xf])
		}
		sb.WriteString(strings.Repeat("   ", per-len(row)))
		sb.WriteString(hexGap)
		for _, c := range row {
			if c >= 0x20 && c < 0x7f {
				sb.WriteByte(c)
			} else {
				sb.WriteByte('.')
			}
		}
		lines = append(lines, sb.String())
	}
	if len(b) > maxBytes {
		lines = append(lines, "… "+itoa(len(b)-maxBytes)+" more bytes")
	}
	return strings.Join(lines, "\n")
}

func itemKV(st Styles, it awsops.Item, w int) string {
	pairs := make([][2]string, len(it))
	for i, a := range it {
		pairs[i] = [2]string{a.Name + " (" + a.Type + ")", a.Value}
	}
	return kvLines(st, w, pairs)
}

// auditRows is how many of the latest KMS calls the panel shows.
const auditRows = 8

// renderAudit lists the latest KMS calls, a refused one in red and marked,
// then says in words what the latest refusal was: that DynamoDB asked KMS
// as the test user, and KMS said no, is the lab's point.
func (m Model) renderAudit(w int, events []AuditEvent) string {
	st := m.styles
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
