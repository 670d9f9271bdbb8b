package ui

import (
	"bytes"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"kmslab/awsops"
)

// atRestView shows a table as it lies on disk: the wrapped table key and
// each item's ciphertext, beside the item as last read.
type atRestView struct {
	noKeys
	c         common
	width     int
	data      AtRest
	items     []awsops.Item
	itemsPart int
	keyID     string
}

// SetSize sets the width to draw at.
func (v *atRestView) SetSize(w, _ int) { v.width = w }

// View draws the stored bytes.
func (v *atRestView) View() string {
	st, w, a := *v.c.styles, v.width, v.data
	out := []string{st.Bold.Render("Table key, wrapped under the table's KMS key") + st.Muted.Render(" ("+itoa(len(a.WrappedKey))+" bytes)"),
		hexBlock(st, a.WrappedKey, w, 48)}
	if id := v.keyID; id != "" && bytes.Contains(a.WrappedKey, []byte(id)) {
		out = append(out, st.Muted.Render(wrapText("Readable in it: only the id of the KMS key that can unwrap it. "+
			"The table key itself is sealed.", w, "")))
	}
	if len(a.Items) == 0 {
		out = append(out, "", st.Muted.Render("No items stored yet."))
	}
	for i, it := range a.Items {
		title := st.Bold.Render("Item "+itoa(i+1)+" as stored") + st.Muted.Render(": "+itoa(len(it.Ciphertext))+" bytes of ciphertext")
		if i >= len(v.items) {
			out = append(out, "", title, hexBlock(st, it.Ciphertext, w, 96))
			continue
		}
		plainTitle := st.Bold.Render("Item " + itoa(i+1) + " decrypted")
		if v.itemsPart > 0 {
			plainTitle += st.Muted.Render(" (as read in part " + itoa(v.itemsPart) + ")")
		}
		// Side by side when both fit: the unreadable bytes next to the item.
		if n := sideBySideBytes(w); n > 0 {
			left := hexWidth(n)
			short := st.Bold.Render("Item "+itoa(i+1)+" as stored") + st.Muted.Render(" ("+itoa(len(it.Ciphertext))+" bytes)")
			out = append(out, "", sideBySidePanels(st, short, hexBlock(st, it.Ciphertext, left, 96), left,
				plainTitle, itemKV(st, v.items[i], w-left-3)))
			continue
		}
		out = append(out, "", title, hexBlock(st, it.Ciphertext, w, 96), "", plainTitle, itemKV(st, v.items[i], w))
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

// hexBlock is hexDump styled: bytes in the hex color, the text column dimmed.
func hexBlock(st Styles, b []byte, width, maxBytes int) string {
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
