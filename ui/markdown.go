package ui

import (
	"image/color"
	"strconv"
	"strings"
	"sync"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// The step texts are short markdown (headings, paragraphs, bold, italic, code
// spans, bullet lists). They are rendered here from goldmark's syntax tree with
// lipgloss styles rather than with glamour: glamour links chroma, whose
// package initialisation (lexers and styles, ~30 ms) Go runs in every
// subcommand, serve and version included, although only the TUI draws
// markdown. The colours are glamour's dark, light and no-TTY styles.

// mdCache renders markdown and remembers the result per text, width and
// style: the explanations never change while the program runs, and wrapping
// styled text on every frame would be wasted work.
type mdCache struct {
	mu  sync.Mutex
	out map[mdKey]string
}

type mdKey struct {
	width int
	style string
	text  string
}

func newMDCache() *mdCache { return &mdCache{out: map[mdKey]string{}} }

// sharedMarkdown is the one cache of every walkthrough in the process: a
// workshop's attendees read the same texts at a handful of widths, so the
// room renders each once rather than once per attendee.
var sharedMarkdown = newMDCache()

// mdCacheMax bounds the cache: widths come from clients (a workshop
// attendee's resize storm), texts from the labs. Past it, the cache starts
// over.
const mdCacheMax = 2048

// Markdown style names, as markdownStyle picks them.
const (
	mdDark  = "dark"
	mdLight = "light"
	mdNoTTY = "notty"
)

// markdownStyle picks the markdown style matching the terminal.
func markdownStyle(isDark, noColor bool) string {
	switch {
	case noColor:
		return mdNoTTY
	case isDark:
		return mdDark
	default:
		return mdLight
	}
}

// render returns md rendered to width columns.
func (c *mdCache) render(md string, width int, style string) string {
	if width < 10 {
		width = 10
	}
	k := mdKey{width, style, md}
	c.mu.Lock()
	s, ok := c.out[k]
	c.mu.Unlock()
	if ok {
		return s
	}
	// Rendered outside the lock: other sessions' lookups need not wait for
	// it, and two rendering the same text at once get the same string.
	s = renderMarkdown(md, width, mdStyles(style))
	c.mu.Lock()
	if len(c.out) >= mdCacheMax {
		clear(c.out)
	}
	c.out[k] = s
	c.mu.Unlock()
	return s
}

// mdTheme holds the styles of one markdown style. Marks are what the no-TTY
// style writes around emphasis and code instead of attributes.
type mdTheme struct {
	text, strong, emph, code, heading, h1, link, codeBlock lipgloss.Style
	strongMark, emphMark, codeMark                         string
	plain                                                  bool
}

func mdStyles(name string) mdTheme {
	if name == mdNoTTY {
		s := lipgloss.NewStyle()
		return mdTheme{text: s, strong: s, emph: s, code: s, heading: s, h1: s, link: s, codeBlock: s,
			strongMark: "**", emphMark: "*", codeMark: "`", plain: true}
	}
	// glamour's dark and light styles: document, heading, link and code colours.
	fg, head, link, codeBG, block := ansiColor(252), ansiColor(39), ansiColor(30), ansiColor(236), ansiColor(244)
	if name == mdLight {
		fg, head, link, codeBG, block = ansiColor(234), ansiColor(27), ansiColor(36), ansiColor(254), ansiColor(242)
	}
	text := lipgloss.NewStyle().Foreground(fg)
	return mdTheme{
		text:      text,
		strong:    text.Bold(true),
		emph:      text.Italic(true),
		code:      lipgloss.NewStyle().Foreground(ansiColor(203)).Background(codeBG),
		heading:   lipgloss.NewStyle().Foreground(head).Bold(true),
		h1:        lipgloss.NewStyle().Foreground(ansiColor(228)).Background(ansiColor(63)).Bold(true),
		link:      lipgloss.NewStyle().Foreground(link).Underline(true),
		codeBlock: lipgloss.NewStyle().Foreground(block),
	}
}

func ansiColor(n int) color.Color { return lipgloss.Color(strconv.Itoa(n)) }

// renderMarkdown parses md with goldmark (CommonMark, no extensions) and
// writes its blocks one after the other, a blank line between them.
func renderMarkdown(md string, width int, th mdTheme) string {
	src := []byte(md)
	doc := goldmark.DefaultParser().Parse(text.NewReader(src))
	r := mdRenderer{src: src, th: th}
	var blocks []string
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		if b := r.block(n, width); b != "" {
			blocks = append(blocks, b)
		}
	}
	return strings.Join(blocks, "\n\n")
}

type mdRenderer struct {
	src []byte
	th  mdTheme
}

// block renders one block node wrapped to width columns.
func (r mdRenderer) block(n ast.Node, width int) string {
	switch n := n.(type) {
	case *ast.Heading:
		words := r.inline(n, r.th.heading)
		if n.Level == 1 && !r.th.plain {
			return r.th.h1.Render(" " + joinPlain(n, r.src) + " ")
		}
		prefix := strings.Repeat("#", n.Level) + " "
		return wrap(r.th.heading.Render(prefix)+strings.Join(words, " "), width)
	case *ast.Paragraph, *ast.TextBlock:
		return wrap(strings.Join(r.inline(n, r.th.text), " "), width)
	case *ast.List:
		return r.list(n, width)
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		var lines []string
		for i := 0; i < n.Lines().Len(); i++ {
			seg := n.Lines().At(i)
			l := strings.TrimRight(string(seg.Value(r.src)), "\n")
			lines = append(lines, r.th.codeBlock.Render("  "+l))
		}
		return strings.Join(lines, "\n")
	case *ast.Blockquote:
		var parts []string
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			parts = append(parts, r.block(c, max(width-2, 8)))
		}
		lines := strings.Split(strings.Join(parts, "\n\n"), "\n")
		for i, l := range lines {
			lines[i] = "│ " + l
		}
		return strings.Join(lines, "\n")
	case *ast.ThematicBreak:
		return r.th.codeBlock.Render(strings.Repeat("─", min(width, 40)))
	default: // HTML blocks and anything else: their source lines as they are
		var lines []string
		for i := 0; i < n.Lines().Len(); i++ {
			seg := n.Lines().At(i)
			lines = append(lines, strings.TrimRight(string(seg.Value(r.src)), "\n"))
		}
		return strings.Join(lines, "\n")
	}
}

// list renders a list's items, each marker hanging: an item's wrapped lines
// start under its text, not under the marker, so they do not read as a new
// paragraph. Nested lists are indented by their parent's marker width.
func (r mdRenderer) list(l *ast.List, width int) string {
	var items []string
	num := l.Start
	for it := l.FirstChild(); it != nil; it = it.NextSibling() {
		marker := "• "
		if l.IsOrdered() {
			marker = strconv.Itoa(num) + ". "
			num++
		}
		hang := ansi.StringWidth(marker)
		var parts []string
		for c := it.FirstChild(); c != nil; c = c.NextSibling() {
			parts = append(parts, r.block(c, max(width-hang, 4)))
		}
		lines := strings.Split(strings.Join(parts, "\n"), "\n")
		for i, line := range lines {
			if i == 0 {
				lines[i] = r.th.text.Render(marker) + line
			} else if line != "" {
				lines[i] = strings.Repeat(" ", hang) + line
			}
		}
		items = append(items, strings.Join(lines, "\n"))
	}
	return strings.Join(items, "\n")
}

// inline renders the inline content of n as styled words: each word is
// styled on its own, so wrapping between words never leaves a style open at
// the end of a line (the pane draws its border right after it). Words are
// then joined with plain spaces.
func (r mdRenderer) inline(n ast.Node, base lipgloss.Style) []string {
	var words []string
	glue := false // the next piece continues the last word (no space between)
	add := func(s string, st lipgloss.Style) {
		if s == "" {
			return
		}
		fields := strings.Split(s, " ")
		for i, f := range fields {
			if f == "" {
				glue = false
				continue
			}
			styled := st.Render(f)
			if glue && i == 0 && len(words) > 0 {
				words[len(words)-1] += styled
			} else {
				words = append(words, styled)
			}
			glue = true
		}
		if strings.HasSuffix(s, " ") {
			glue = false
		}
	}
	var walk func(n ast.Node, st lipgloss.Style)
	walk = func(n ast.Node, st lipgloss.Style) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch c := c.(type) {
			case *ast.Text:
				add(string(c.Segment.Value(r.src)), st)
				if c.SoftLineBreak() || c.HardLineBreak() {
					glue = false
				}
			case *ast.String:
				add(string(c.Value), st)
			case *ast.CodeSpan:
				code := strings.ReplaceAll(joinPlain(c, r.src), " ", "\u00a0")
				add(r.th.code.Render(r.th.codeMark+"\u00a0"+code+"\u00a0"+r.th.codeMark), lipgloss.NewStyle())
			case *ast.Emphasis:
				cs := r.th.emph.Inherit(st)
				mark := r.th.emphMark
				if c.Level == 2 {
					cs, mark = r.th.strong.Inherit(st), r.th.strongMark
				}
				add(mark, st)
				walk(c, cs)
				add(mark, st)
			case *ast.Link:
				walk(c, r.th.link)
				if dest := string(c.Destination); dest != joinPlain(c, r.src) {
					glue = false
					add(dest, r.th.link)
				}
			case *ast.AutoLink:
				add(string(c.URL(r.src)), r.th.link)
			case *ast.RawHTML:
				for i := 0; i < c.Segments.Len(); i++ {
					seg := c.Segments.At(i)
					add(string(seg.Value(r.src)), st)
				}
			default:
				walk(c, st)
			}
		}
	}
	walk(n, base)
	return words
}

// wrap wraps styled words to width columns. A word longer than the width is
// cut, and a cut inside a style is closed at the end of the line and opened
// again on the next, so no style runs into the pane's border.
func wrap(s string, width int) string {
	lines := strings.Split(ansi.Wrap(s, width, ""), "\n")
	for i := 0; i < len(lines)-1; i++ {
		l := lines[i]
		j := strings.LastIndex(l, "\x1b[")
		if j < 0 {
			continue
		}
		end := strings.IndexByte(l[j:], 'm')
		if end < 0 {
			continue
		}
		if seq := l[j : j+end+1]; seq != "\x1b[m" && seq != "\x1b[0m" {
			lines[i] += "\x1b[m"
			lines[i+1] = seq + lines[i+1]
		}
	}
	return strings.Join(lines, "\n")
}

// joinPlain is the text of n's inline children without any style.
func joinPlain(n ast.Node, src []byte) string {
	var b strings.Builder
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			b.Write(c.Segment.Value(src))
			if c.SoftLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(c.Value)
		default:
			b.WriteString(joinPlain(c, src))
		}
	}
	return b.String()
}
