package recording

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kmslab/tape"
)

// SVG: how it stays crisp and shows in a GitHub README.
//
// GitHub shows a README's SVG through <img>, where a browser runs no script
// and loads nothing external (no web font), but does run CSS animations. So
// the text is text (crisp at any zoom), in the reader's own monospace font:
// each run of cells is pinned to its columns with textLength, so the grid
// holds whatever the font's advance. The animation is svg-term's: all the
// frames side by side on one strip, which a step-timed CSS keyframe
// animation slides one terminal width at a time. A row that shows the same in
// several frames is drawn once in <defs> and placed with <use>, which keeps a
// typed command line from repeating the whole screen per keystroke.

// fontFamily prefers the monospace fonts readers have: SF Mono and Menlo on
// macOS, Cascadia and Consolas on Windows, DejaVu and Liberation on Linux.
const fontFamily = `ui-monospace,SFMono-Regular,Menlo,"Cascadia Mono",Consolas,"DejaVu Sans Mono","Liberation Mono",monospace`

// svgMinHold keeps the last frame of a film that has no closing Sleep on
// screen for a moment before the loop starts again.
const svgMinHold = time.Second

// geometry is the film's layout in pixels.
type geometry struct {
	look   tape.Look
	cw, ch float64 // a cell
	tw, th float64 // the terminal
	stride float64 // from one frame to the next on the strip
}

func geometryOf(look tape.Look, cols, rows int) geometry {
	fs := float64(max(look.FontSize, 1))
	g := geometry{look: look, cw: fs*0.6 + max(look.LetterSpacing, 0), ch: fs * 1.2 * max(look.LineHeight, 0.1)}
	g.tw, g.th = float64(cols)*g.cw, float64(rows)*g.ch
	// A gap between frames on the strip, so that nothing drawn at a frame's
	// edge (a cursor, a glyph wider than its cell) shows in its neighbour.
	g.stride = g.tw + 4*g.cw
	// A tape whose frame is smaller than its terminal (a size given in
	// cells) gets a frame that fits.
	g.look.Width = max(look.Width, int(g.tw+0.999)+2*look.Padding)
	g.look.Height = max(look.Height, int(g.th+0.999)+2*look.Padding)
	return g
}

// num formats a coordinate with at most two decimals.
func num(v float64) string { return strconv.FormatFloat(float64(int64(v*100+0.5))/100, 'f', -1, 64) }

// svgWriter draws frames as SVG.
type svgWriter struct {
	g       geometry
	theme   Theme
	classes map[RGB]string // text colors as CSS classes, in order of use
	order   []RGB
	rows    map[string]string // a row's drawing → its id in <defs>
	defs    strings.Builder
}

func newSVGWriter(g geometry, theme Theme) *svgWriter {
	return &svgWriter{g: g, theme: theme, classes: map[RGB]string{}, rows: map[string]string{}}
}

func (s *svgWriter) colorClass(c RGB) string {
	if cl, ok := s.classes[c]; ok {
		return cl
	}
	cl := "c" + strconv.Itoa(len(s.order))
	s.classes[c] = cl
	s.order = append(s.order, c)
	return cl
}

// WriteSVG writes stills as an animated SVG that loops over length.
func WriteSVG(w io.Writer, stills []tape.Still, length time.Duration, look tape.Look, theme Theme) error {
	if len(stills) == 0 {
		return fmt.Errorf("nothing was filmed")
	}
	f0 := &stills[0].Frame
	g := geometryOf(look, f0.Cols, f0.Rows)
	s := newSVGWriter(g, theme)
	var film strings.Builder
	for i := range stills {
		fmt.Fprintf(&film, `<g transform="translate(%s)">`, num(float64(i)*g.stride))
		s.frame(&film, &stills[i].Frame)
		film.WriteString("</g>\n")
	}
	last := stills[len(stills)-1].At
	length = max(length, last+svgMinHold)
	var anim strings.Builder
	if len(stills) > 1 {
		type key struct {
			pct   string
			frame int
		}
		var keys []key
		for i, st := range stills {
			pct := strconv.FormatFloat(float64(st.At)/float64(length)*100, 'f', 3, 64)
			if i == 0 {
				pct = "0"
			}
			if n := len(keys); n > 0 && keys[n-1].pct == pct {
				keys[n-1].frame = i // two stills in one instant: the later one shows
				continue
			}
			keys = append(keys, key{pct, i})
		}
		keys = append(keys, key{"100", len(stills) - 1})
		anim.WriteString("@keyframes film{")
		for _, k := range keys {
			fmt.Fprintf(&anim, "%s%%{transform:translateX(-%spx)}", k.pct, num(float64(k.frame)*g.stride))
		}
		anim.WriteString("}\n")
		fmt.Fprintf(&anim, ".film{animation:film %ss step-end infinite}\n", strconv.FormatFloat(length.Seconds(), 'f', 3, 64))
	}
	return s.write(w, film.String(), anim.String())
}

// WriteStill writes one frame as a still SVG.
func WriteStill(w io.Writer, f tape.Frame, look tape.Look, theme Theme) error {
	s := newSVGWriter(geometryOf(look, f.Cols, f.Rows), theme)
	var film strings.Builder
	film.WriteString("<g>")
	s.frame(&film, &f)
	film.WriteString("</g>\n")
	return s.write(w, film.String(), "")
}

func (s *svgWriter) write(w io.Writer, film, anim string) error {
	g := s.g
	bw := bufio.NewWriter(w)
	W, H := g.look.Width, g.look.Height
	fmt.Fprintf(bw, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img">`+"\n", W, H, W, H)
	bw.WriteString("<style>\n")
	family := fontFamily
	if f := cssFontName(g.look.FontFamily); f != "" {
		family = f + "," + family // the tape's font first, when the reader has it
	}
	fmt.Fprintf(bw, "text{font-family:%s;font-size:%dpx;white-space:pre}\n", family, g.look.FontSize)
	bw.WriteString(".b{font-weight:bold}.i{font-style:italic}.u{text-decoration:underline}.s{text-decoration:line-through}.u.s{text-decoration:underline line-through}.d{opacity:.5}\n")
	for _, c := range s.order {
		fmt.Fprintf(bw, ".%s{fill:%s}\n", s.classes[c], c.Hex())
	}
	bw.WriteString(anim)
	bw.WriteString("</style>\n")
	fmt.Fprintf(bw, `<rect width="%d" height="%d" rx="%d" fill="%s"/>`+"\n", W, H, max(g.look.BorderRadius, 0), s.theme.Background.Hex())
	bw.WriteString("<defs>\n")
	bw.WriteString(s.defs.String())
	bw.WriteString("</defs>\n")
	pad := num(float64(g.look.Padding))
	fmt.Fprintf(bw, `<svg x="%s" y="%s" width="%s" height="%s" viewBox="0 0 %s %s"><g class="film">`+"\n", pad, pad, num(g.tw), num(g.th), num(g.tw), num(g.th))
	bw.WriteString(film)
	bw.WriteString("</g></svg>\n</svg>\n")
	return bw.Flush()
}

// frame draws f's rows (each drawn once in <defs>) and its cursor.
func (s *svgWriter) frame(b *strings.Builder, f *tape.Frame) {
	for y := range f.Rows {
		row := s.row(f, y)
		if row == "" {
			continue
		}
		id, ok := s.rows[row]
		if !ok {
			id = "r" + strconv.Itoa(len(s.rows))
			s.rows[row] = id
			fmt.Fprintf(&s.defs, `<g id="%s">%s</g>`+"\n", id, row)
		}
		fmt.Fprintf(b, `<use href="#%s" y="%s"/>`, id, num(float64(y)*s.g.ch))
	}
	if f.CursorShow {
		fmt.Fprintf(b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s" opacity=".8"/>`,
			num(float64(f.CursorX)*s.g.cw), num(float64(f.CursorY)*s.g.ch), num(s.g.cw), num(s.g.ch), s.theme.Cursor.Hex())
	}
}

// textStyle is what a run of text shares.
type textStyle struct {
	fg    RGB
	attrs tape.Attr
}

// row draws row y at the top of its own coordinates: the backgrounds that
// differ from the theme's, then the text in runs of one style.
func (s *svgWriter) row(f *tape.Frame, y int) string {
	g := s.g
	var b strings.Builder
	// Backgrounds.
	for x := 0; x < f.Cols; {
		_, bg := s.theme.Colors(f.At(x, y))
		end := x + 1
		for end < f.Cols {
			if _, b2 := s.theme.Colors(f.At(end, y)); b2 != bg {
				break
			}
			end++
		}
		if bg != s.theme.Background {
			fmt.Fprintf(&b, `<rect x="%s" width="%s" height="%s" fill="%s"/>`, num(float64(x)*g.cw), num(float64(end-x)*g.cw+0.5), num(g.ch+0.5), bg.Hex())
		}
		x = end
	}
	// Text.
	baseline := num(g.ch/2 + float64(g.look.FontSize)*0.3)
	for x := 0; x < f.Cols; {
		c := f.At(x, y)
		if c.Width == 0 || blank(c) {
			x++
			continue
		}
		fg, _ := s.theme.Colors(c)
		if isBox(c.Content) {
			end := x + 1
			for end < f.Cols {
				c2 := f.At(end, y)
				if fg2, _ := s.theme.Colors(c2); c2.Content != c.Content || fg2 != fg || c2.Attrs&tape.Conceal != 0 {
					break
				}
				end++
			}
			s.drawBox(&b, float64(x)*g.cw, end-x, c.Content, fg)
			x = end
			continue
		}
		st := textStyle{fg: fg, attrs: c.Attrs &^ tape.Reverse}
		if c.Width > 1 {
			// A wide character (an emoji) is placed alone, at its own width.
			s.text(&b, x, baseline, c.Content, 0, st)
			x += c.Width
			continue
		}
		var run strings.Builder
		end, lastInk := x, x
		for end < f.Cols {
			c2 := f.At(end, y)
			if c2.Width != 1 || isBox(c2.Content) {
				break
			}
			fg2, _ := s.theme.Colors(c2)
			if !blank(c2) && (fg2 != st.fg || c2.Attrs&^tape.Reverse != st.attrs) {
				break
			}
			if blank(c2) && end-lastInk >= 3 {
				break // a wide gap: start a new run after it
			}
			run.WriteString(c2.Content)
			if !blank(c2) {
				lastInk = end + 1
			}
			end++
		}
		text := strings.TrimRight(run.String(), " ")
		s.text(&b, x, baseline, text, lastInk-x, st)
		x = end
	}
	return b.String()
}

// blank is a cell that draws no text.
func blank(c tape.Cell) bool {
	return c.Content == " " || c.Content == "" || c.Attrs&tape.Conceal != 0
}

func (s *svgWriter) text(b *strings.Builder, x int, baseline, text string, cells int, st textStyle) {
	cls := []string{s.colorClass(st.fg)}
	for _, a := range []struct {
		attr tape.Attr
		cls  string
	}{{tape.Bold, "b"}, {tape.Italic, "i"}, {tape.Underline, "u"}, {tape.Strike, "s"}, {tape.Faint, "d"}} {
		if st.attrs&a.attr != 0 {
			cls = append(cls, a.cls)
		}
	}
	fmt.Fprintf(b, `<text x="%s" y="%s"`, num(float64(x)*s.g.cw), baseline)
	if cells > 1 {
		fmt.Fprintf(b, ` textLength="%s" lengthAdjust="spacingAndGlyphs"`, num(float64(cells)*s.g.cw))
	}
	fmt.Fprintf(b, ` class="%s">%s</text>`, strings.Join(cls, " "), escapeXML(text))
}

// escapeXML escapes text for an XML text node and drops what XML 1.0 cannot
// hold at all (control characters, U+FFFE, U+FFFF).
func escapeXML(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == utf8.RuneError, r < 0x20 && r != '\t', r == 0xfffe, r == 0xffff, r >= 0xd800 && r <= 0xdfff:
			b.WriteRune('\ufffd')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// cssFontName quotes a tape's FontFamily for CSS, or drops it when it holds
// what could end the declaration: it is the tape's text, and a font name
// needs none of it.
func cssFontName(name string) string {
	name = strings.TrimSpace(name)
	if name == "" || !utf8.ValidString(name) || strings.ContainsAny(name, "\"'\\;{}<>&") {
		return ""
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f || r == 0xfffe || r == 0xffff {
			return ""
		}
	}
	return `"` + name + `"`
}
