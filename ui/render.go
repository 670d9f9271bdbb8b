package ui

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"charm.land/lipgloss/v2"
	"charm.land/lipgloss/v2/table"
	"github.com/charmbracelet/x/ansi"

	"kmslab/internal/textwrap"
)

// sanitize makes text from AWS (messages, item values, policies) safe to draw:
// invalid UTF-8 and control characters, escape sequences included, become
// U+FFFD so that no value can move the cursor or restyle the terminal, and
// tabs become spaces so widths are what they seem.
func sanitize(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || (r < 0x20 && r != '\n') || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t':
			return ' '
		case r == '\n':
			return r
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return '\uFFFD'
		}
		return r
	}, s)
}

// highlightJSON colors JSON text token by token. It never reorders or drops
// bytes: stripping the styles gives back the input, whatever the input is.
func highlightJSON(st Styles, s string) string {
	if st.NoColor {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) * 2)
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == '"':
			j := i + 1
			for j < len(s) && s[j] != '"' && s[j] != '\n' {
				if s[j] == '\\' && j+1 < len(s) {
					j++
				}
				j++
			}
			if j < len(s) && s[j] == '"' {
				j++
			}
			tok := s[i:j]
			// A string followed by a colon is an object key.
			k := j
			for k < len(s) && (s[k] == ' ' || s[k] == '\t') {
				k++
			}
			if k < len(s) && s[k] == ':' {
				b.WriteString(st.JSONKey.Render(tok))
			} else {
				b.WriteString(st.JSONString.Render(tok))
			}
			i = j
		case c == '-' || (c >= '0' && c <= '9'):
			j := i + 1
			for j < len(s) && strings.IndexByte("0123456789.eE+-", s[j]) >= 0 {
				j++
			}
			b.WriteString(st.JSONNumber.Render(s[i:j]))
			i = j
		case c >= 'a' && c <= 'z':
			j := i + 1
			for j < len(s) && s[j] >= 'a' && s[j] <= 'z' {
				j++
			}
			b.WriteString(st.JSONLit.Render(s[i:j]))
			i = j
		case strings.IndexByte("{}[],:", c) >= 0:
			b.WriteString(st.JSONPunct.Render(s[i : i+1]))
			i++
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String()
}

// kvLines renders aligned "key  value" lines, wrapping long values.
func kvLines(st Styles, width int, pairs [][2]string) string {
	kw := 0
	for _, p := range pairs {
		kw = max(kw, lipgloss.Width(p[0]))
	}
	vw := max(width-kw-2, 8)
	var lines []string
	for _, p := range pairs {
		v := wrapText(p[1], vw, "/:,")
		for i, vl := range strings.Split(v, "\n") {
			k := ""
			if i == 0 {
				k = p[0]
			}
			lines = append(lines, st.Key.Render(padRight(k, kw))+"  "+st.Value.Render(vl))
		}
	}
	return strings.Join(lines, "\n")
}

// wrapText wraps between words, never at a hyphen, and cuts a word wider
// than the box: the rule is textwrap's.
var wrapText = textwrap.Box

func padRight(s string, w int) string {
	if n := lipgloss.Width(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}

// dataTable renders rows under headers within width columns.
func dataTable(st Styles, width int, headers []string, rows [][]string) string {
	clean := make([][]string, len(rows))
	for i, r := range rows {
		clean[i] = make([]string, len(r))
		for j, c := range r {
			clean[i][j] = sanitize(c)
		}
	}
	rows = clean
	t := table.New().
		Border(lipgloss.RoundedBorder()).
		BorderStyle(st.TableEdge).
		Headers(headers...).
		Rows(rows...).
		Wrap(true).
		StyleFunc(func(row, _ int) lipgloss.Style {
			if row == table.HeaderRow {
				return st.TableHead
			}
			return st.TableCell
		})
	// A table wider than the pane would be cut (lipgloss cuts, it does not
	// shrink columns): each row becomes a block of "header  value" lines
	// instead, every value whole.
	if lipgloss.Width(t.String()) > width {
		return recordBlocks(st, width, headers, rows)
	}
	return t.String()
}

// recordBlocks shows rows one under another, each as aligned "header  value"
// lines, separated by a thin rule.
func recordBlocks(st Styles, width int, headers []string, rows [][]string) string {
	var out []string
	for i, r := range rows {
		if i > 0 {
			out = append(out, st.TableEdge.Render(strings.Repeat("─", min(width, 20))))
		}
		pairs := make([][2]string, 0, len(r))
		for j, v := range r {
			if j < len(headers) {
				pairs = append(pairs, [2]string{headers[j], v})
			}
		}
		out = append(out, kvLines(st, width, pairs))
	}
	return strings.Join(out, "\n")
}

// box wraps body in style, sized to width columns in total.
func box(style lipgloss.Style, width int, body string) string {
	inner := max(width-style.GetHorizontalFrameSize(), 1)
	return style.Width(width).Render(ansi.Wrap(body, inner, ""))
}

func itoa(n int) string { return strconv.Itoa(n) }
