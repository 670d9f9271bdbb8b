package ui

import (
	"regexp"
	"strings"
	"sync"

	"charm.land/glamour/v2"
	gansi "charm.land/glamour/v2/ansi"
	"charm.land/glamour/v2/styles"
	"github.com/charmbracelet/x/ansi"
)

// mdCache renders markdown with glamour and remembers the result per text,
// width and style: glamour takes milliseconds per document, far too slow to
// run on every frame, and the explanations never change while the program runs.
type mdCache struct {
	mu        sync.Mutex
	renderers map[mdRendererKey]*glamour.TermRenderer
	out       map[mdKey]string
}

type mdRendererKey struct {
	width int
	style string
}

type mdKey struct {
	mdRendererKey
	text string
}

func newMDCache() *mdCache {
	return &mdCache{renderers: map[mdRendererKey]*glamour.TermRenderer{}, out: map[mdKey]string{}}
}

// markdownStyle picks the glamour style matching the terminal.
func markdownStyle(isDark, noColor bool) string {
	switch {
	case noColor:
		return styles.NoTTYStyle
	case isDark:
		return styles.DarkStyle
	default:
		return styles.LightStyle
	}
}

// render returns md rendered to width columns; on a glamour error it falls back
// to the plain text, since an explanation is better shown raw than not at all.
func (c *mdCache) render(md string, width int, style string) string {
	if width < 10 {
		width = 10
	}
	k := mdKey{mdRendererKey{width, style}, md}
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.out[k]; ok {
		return s
	}
	// Lists get their wrapped lines indented under the item's text (glamour
	// starts them at the margin), which needs a few columns kept free.
	lists := hasList(md)
	wrap := width
	if lists {
		wrap = max(width-listHang, 10)
	}
	r, ok := c.renderers[mdRendererKey{wrap, style}]
	if !ok {
		var err error
		r, err = glamour.NewTermRenderer(glamour.WithStyles(compactStyle(style)), glamour.WithWordWrap(wrap))
		if err != nil {
			return md
		}
		c.renderers[mdRendererKey{wrap, style}] = r
	}
	s, err := r.Render(md)
	if err != nil {
		return md
	}
	s = trimLines(s)
	if lists {
		s = hangListItems(s)
	}
	c.out[k] = s
	return s
}

// compactStyle is a glamour standard style without the document margin and the
// blank lines around the document: the pane draws its own frame.
func compactStyle(name string) gansi.StyleConfig {
	var cfg gansi.StyleConfig
	switch name {
	case styles.DarkStyle:
		cfg = styles.DarkStyleConfig
	case styles.LightStyle:
		cfg = styles.LightStyleConfig
	default:
		cfg = styles.NoTTYStyleConfig
	}
	zero := uint(0)
	cfg.Document.Margin = &zero
	cfg.Document.BlockPrefix = ""
	cfg.Document.BlockSuffix = ""
	return cfg
}

// trimLines drops blank lines at both ends and trailing blanks of each line.
func trimLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = trimStyledRight(l)
	}
	for len(lines) > 0 && strings.TrimSpace(stripANSI(lines[0])) == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && strings.TrimSpace(stripANSI(lines[len(lines)-1])) == "" {
		lines = lines[:len(lines)-1]
	}
	return strings.Join(lines, "\n")
}

// trimStyledRight drops trailing blanks even when each is wrapped in its own
// style sequences, as glamour pads every line to the wrap width: the padding
// would cost bytes on every frame and break the pane's own layout.
func trimStyledRight(l string) string {
	vis := strings.TrimRight(ansi.Strip(l), " ")
	if len(vis) == len(ansi.Strip(l)) {
		return l
	}
	w := ansi.StringWidth(vis)
	if w == 0 {
		return ""
	}
	return ansi.Truncate(l, w, "") + "\x1b[m"
}

// listHang is the most a list item's continuation lines are indented: the
// width of "10. ", wider than "• ".
const listHang = 4

var listItem = regexp.MustCompile(`^( *)(• |[0-9]{1,2}\. )`)

func hasList(md string) bool {
	for _, l := range strings.Split(md, "\n") {
		l = strings.TrimLeft(l, " ")
		if strings.HasPrefix(l, "- ") || strings.HasPrefix(l, "* ") || strings.HasPrefix(l, "+ ") || orderedItem.MatchString(l) {
			return true
		}
	}
	return false
}

var orderedItem = regexp.MustCompile(`^[0-9]{1,2}\. `)

// hangListItems indents the wrapped lines of each rendered list item under
// the item's text, so a bullet's second line no longer reads as a new
// paragraph. A blank line ends the item.
func hangListItems(s string) string {
	lines := strings.Split(s, "\n")
	lead, hang := -1, 0
	for i, l := range lines {
		plain := ansi.Strip(l)
		if strings.TrimSpace(plain) == "" {
			lead = -1
			continue
		}
		if mt := listItem.FindStringSubmatch(plain); mt != nil {
			lead, hang = len(mt[1]), ansi.StringWidth(mt[2])
			continue
		}
		if lead >= 0 && len(plain)-len(strings.TrimLeft(plain, " ")) == lead {
			lines[i] = strings.Repeat(" ", hang) + l
		}
	}
	return strings.Join(lines, "\n")
}
