package recording

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"kmslab/tape"
)

// checkCast fails unless data is asciicast v2: a header object with version
// 2 and a size, then [time, "o", data] events with times that never go back.
// It returns the events' data in order.
func checkCast(t *testing.T, data []byte) []string {
	t.Helper()
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	if !sc.Scan() {
		t.Fatal("empty .cast")
	}
	var h struct {
		Version       int `json:"version"`
		Width, Height int
	}
	if err := json.Unmarshal(sc.Bytes(), &h); err != nil {
		t.Fatalf("header %q: %v", sc.Text(), err)
	}
	if h.Version != 2 || h.Width <= 0 || h.Height <= 0 {
		t.Fatalf("header = %+v, want version 2 and a size", h)
	}
	var out []string
	last := -1.0
	for n := 2; sc.Scan(); n++ {
		var ev []json.RawMessage
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil || len(ev) != 3 {
			t.Fatalf("line %d is not [time, code, data]: %.80s", n, sc.Text())
		}
		var at float64
		var code, d string
		if json.Unmarshal(ev[0], &at) != nil || json.Unmarshal(ev[1], &code) != nil || json.Unmarshal(ev[2], &d) != nil {
			t.Fatalf("line %d: want a number and two strings: %.80s", n, sc.Text())
		}
		if code != "o" {
			t.Errorf("line %d: event code %q, want o (output)", n, code)
		}
		if at < last {
			t.Errorf("line %d: time %v goes back from %v", n, at, last)
		}
		last = at
		out = append(out, d)
	}
	if len(out) == 0 {
		t.Fatal("no events")
	}
	return out
}

// svgFrames reads an SVG back as text, frame by frame: each frame's rows
// are <use> references to rows drawn as <text> in <defs>. It also proves the
// file is well-formed XML.
func svgFrames(t *testing.T, data []byte) []string {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(data))
	rows := map[string]string{}
	var frames []string
	var row, id string
	var inFilm, inText, inFrame bool
	var frame []string
	depth := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the SVG is not well-formed XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			depth++
			attr := func(name string) string {
				for _, a := range tok.Attr {
					if a.Name.Local == name {
						return a.Value
					}
				}
				return ""
			}
			switch tok.Name.Local {
			case "g":
				switch {
				case attr("id") != "":
					id, row = attr("id"), ""
				case attr("class") == "film":
					inFilm = true
				case inFilm:
					frame, inFrame = nil, true
				}
			case "text":
				inText = true
			case "use":
				frame = append(frame, rows[strings.TrimPrefix(attr("href"), "#")])
			case "script", "image", "foreignObject":
				t.Errorf("<%s> in the SVG: GitHub's <img> would not show it", tok.Name.Local)
			}
		case xml.CharData:
			if inText {
				row += string(tok)
			}
		case xml.EndElement:
			depth--
			switch tok.Name.Local {
			case "text":
				inText = false
				row += " "
			case "g":
				if id != "" {
					rows[id], id = row, ""
				} else if inFrame {
					frames = append(frames, strings.Join(frame, "\n"))
					inFrame = false
				}
			}
		}
	}
	return frames
}

// testFrame is a small frame with text, colors and attributes.
func testFrame(rows ...string) tape.Frame {
	cols := 0
	for _, r := range rows {
		cols = max(cols, len([]rune(r)))
	}
	f := tape.Frame{Cols: cols, Rows: len(rows), Cells: make([]tape.Cell, cols*len(rows))}
	for y, r := range rows {
		rr := []rune(r)
		for x := range cols {
			c := tape.Cell{Content: " ", Width: 1}
			if x < len(rr) {
				c.Content = string(rr[x])
			}
			f.Cells[y*cols+x] = c
		}
	}
	return f
}

var testLook = tape.Look{Width: 200, Height: 100, FontSize: 10, Padding: 5, LetterSpacing: 0, LineHeight: 1}

func TestWriteCast(t *testing.T) {
	t.Parallel()
	a := testFrame("> ls  ", "")
	b := testFrame("> ls", "denied")
	b.Cells[b.Cols+0].Fg = tape.Color{Kind: tape.IndexedColor, Value: 1}
	b.Cells[b.Cols+1].Bg = tape.Color{Kind: tape.RGBColor, Value: 0x102030}
	b.Cells[b.Cols+2].Attrs = tape.Bold | tape.Underline
	b.CursorShow, b.CursorX, b.CursorY = true, 3, 1
	theme, err := ParseTheme("Catppuccin Mocha")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	// The second still is earlier than the first: the writer keeps time monotonic.
	stills := []tape.Still{{At: time.Second, Frame: a}, {At: 500 * time.Millisecond, Frame: b}}
	if err := WriteCast(&buf, stills, 3*time.Second, testLook, theme, "demo"); err != nil {
		t.Fatal(err)
	}
	events := checkCast(t, buf.Bytes())
	if len(events) != 3 {
		t.Fatalf("%d events, want 2 frames and the closing one:\n%s", len(events), buf.String())
	}
	for _, want := range []string{"\x1b[0;31md", "\x1b[0;48;2;16;32;48me", "\x1b[0;1;4mn", "\x1b[2;4H\x1b[?25h"} {
		if !strings.Contains(events[1], want) {
			t.Errorf("second frame %q lacks %q", events[1], want)
		}
	}
	if strings.Contains(events[1], "> ls") {
		t.Errorf("the second frame repaints the unchanged first row: %q", events[1])
	}
	if !strings.HasPrefix(buf.String(), `{"version":2,"width":6,"height":2,"title":"demo"`) {
		t.Errorf("header: %.100s", buf.String())
	}
	if !strings.Contains(buf.String(), `"palette":"#45475a:#f38ba8:`) {
		t.Errorf("the header does not carry the theme's palette: %.300s", buf.String())
	}
	if err := WriteCast(&buf, nil, 0, testLook, theme, ""); err == nil {
		t.Error("a cast of nothing: no error")
	}
}

func TestWriteSVG(t *testing.T) {
	t.Parallel()
	a := testFrame("> <b>&", "             ")
	b := testFrame("> <b>&", "ACCESS DENIED")
	for x := range 6 {
		b.Cells[b.Cols+x].Fg = tape.Color{Kind: tape.IndexedColor, Value: 1}
		b.Cells[b.Cols+x].Bg = tape.Color{Kind: tape.IndexedColor, Value: 196}
	}
	theme, err := ParseTheme("Catppuccin Mocha")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	stills := []tape.Still{{At: 0, Frame: a}, {At: 2 * time.Second, Frame: b}}
	if err := WriteSVG(&buf, stills, 4*time.Second, testLook, theme); err != nil {
		t.Fatal(err)
	}
	svg := buf.String()
	frames := svgFrames(t, buf.Bytes())
	if len(frames) != 2 || !strings.Contains(frames[0], "> <b>&") || !strings.Contains(frames[1], "ACCESS DENIED") {
		t.Fatalf("frames read back = %q", frames)
	}
	for _, want := range []string{
		"@keyframes film{0%{transform:translateX(-0px)}50.000%{transform:translateX(-102px)}100%{transform:translateX(-102px)}}",
		".film{animation:film 4.000s step-end infinite}",
		`fill="#ff0000"`,  // palette 196
		"{fill:#f38ba8}",  // the theme's red, for text
		"&lt;b&gt;&amp;",  // escaped
		`textLength="36"`, // ACCESS: 6 cells of 6px
	} {
		if !strings.Contains(svg, want) {
			t.Errorf("the SVG lacks %q:\n%s", want, svg)
		}
	}
	if strings.Count(svg, "<g id=") != 2 {
		t.Errorf("the unchanged first row should be drawn once: %d rows in <defs>", strings.Count(svg, "<g id="))
	}
	buf.Reset()
	if err := WriteStill(&buf, b, testLook, theme); err != nil {
		t.Fatal(err)
	}
	if got := svgFrames(t, buf.Bytes()); len(got) != 1 || !strings.Contains(got[0], "ACCESS DENIED") || strings.Contains(buf.String(), "@keyframes") {
		t.Errorf("still = %q\n%s", got, buf.String())
	}
}

func TestParseTheme(t *testing.T) {
	t.Parallel()
	tests := []struct {
		setting string
		bg, red RGB
		wantErr bool
	}{
		{"", 0x000000, 0xcd0000, false},
		{"Catppuccin Mocha", 0x1e1e2e, 0xf38ba8, false},
		{`{"name":"x","black":"#000000","red":"#ff0000","green":"#000000","yellow":"#000000","blue":"#000000","magenta":"#000000","cyan":"#000000","white":"#000000","brightBlack":"#000000","brightRed":"#000000","brightGreen":"#000000","brightYellow":"#000000","brightBlue":"#000000","brightMagenta":"#000000","brightCyan":"#000000","brightWhite":"#000000","background":"#123456","foreground":"#ffffff"}`, 0x123456, 0xff0000, false},
		{`{"background":"#12345"}`, 0, 0, true},
		{`{"background":`, 0, 0, true},
		{"Dracula Nonexistent", 0, 0, true},
	}
	for _, tt := range tests {
		th, err := ParseTheme(tt.setting)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseTheme(%.30q): err = %v, want error %v", tt.setting, err, tt.wantErr)
			continue
		}
		if err == nil && (th.Background != tt.bg || th.Palette[1] != tt.red) {
			t.Errorf("ParseTheme(%.30q): background %s red %s, want %s %s", tt.setting, th.Background.Hex(), th.Palette[1].Hex(), tt.bg.Hex(), tt.red.Hex())
		}
	}
}

func TestIndexedColors(t *testing.T) {
	t.Parallel()
	th, _ := ParseTheme("Catppuccin Mocha")
	for _, tt := range []struct {
		i    uint32
		want RGB
	}{{0, 0x45475a}, {15, 0xa6adc8}, {16, 0x000000}, {21, 0x0000ff}, {196, 0xff0000}, {231, 0xffffff}, {232, 0x080808}, {255, 0xeeeeee}} {
		if got := th.Resolve(tape.Color{Kind: tape.IndexedColor, Value: tt.i}, 0); got != tt.want {
			t.Errorf("color %d = %s, want %s", tt.i, got.Hex(), tt.want.Hex())
		}
	}
	c := tape.Cell{Fg: tape.Color{Kind: tape.RGBColor, Value: 0xabcdef}, Attrs: tape.Reverse}
	if fg, bg := th.Colors(c); fg != th.Background || bg != 0xabcdef {
		t.Errorf("reverse video: fg %s bg %s", fg.Hex(), bg.Hex())
	}
}

// FuzzParseTheme: a tape's theme is untrusted input.
func FuzzParseTheme(f *testing.F) {
	f.Add("Catppuccin Mocha")
	f.Add(`{"background":"#000000","foreground":"#ffffff"}`)
	f.Add(`{"red":"#zzzzzz"}`)
	f.Fuzz(func(t *testing.T, s string) {
		th, err := ParseTheme(s)
		if err != nil {
			return
		}
		for _, c := range append(th.Palette[:], th.Background, th.Foreground, th.Cursor) {
			if c > 0xffffff {
				t.Fatalf("color %x out of range from %q", uint32(c), s)
			}
		}
	})
}

// FuzzRender: whatever a program writes to its terminal, the still SVG is
// well-formed XML (GitHub shows nothing of a broken SVG) and the cast is
// asciicast v2 whose replay draws the same screen.
func FuzzRender(f *testing.F) {
	f.Add([]byte("hello \x1b[1;31mred\x1b[0m <&>"))
	f.Add([]byte("\x1b[38;5;196m\x1b[48;2;1;2;3m\x1b[7mX\x1b[?25h\x1b[3;4H\U0001F600\x00\xff\ufffe"))
	f.Add([]byte("\x1b[8mhidden\x1b[28m \x1b[4;9mus\x1b[2mfaint"))
	th, _ := ParseTheme("Catppuccin Mocha")
	f.Fuzz(func(t *testing.T, out []byte) {
		scr := tape.NewScreen(12, 3, nil)
		defer scr.Close()
		_, _ = scr.Write(out)
		fr := scr.Snapshot()
		var svg bytes.Buffer
		if err := WriteStill(&svg, fr, testLook, th); err != nil {
			t.Fatal(err)
		}
		if frames := svgFrames(t, svg.Bytes()); len(frames) != 1 {
			t.Fatalf("%d frames in a still", len(frames))
		}
		var cast bytes.Buffer
		if err := WriteCast(&cast, []tape.Still{{Frame: fr}}, time.Second, testLook, th, ""); err != nil {
			t.Fatal(err)
		}
		events := checkCast(t, cast.Bytes())
		replay := tape.NewScreen(12, 3, nil)
		defer replay.Close()
		_, _ = replay.Write([]byte(events[0]))
		if got, want := replay.Text(), fr.Text(); got != want {
			t.Fatalf("the cast replays as\n%q\nnot\n%q", got, want)
		}
	})
}

// TestBoxDrawing: borders are drawn as shapes, not text, and a run of ─ is
// one shape.
func TestBoxDrawing(t *testing.T) {
	t.Parallel()
	th, _ := ParseTheme("")
	for _, tt := range []struct {
		rows         []string
		rects, paths int
	}{
		{[]string{"┌──┐", "└──┘"}, 2*2 + 1 + 2*2 + 1, 0}, // corners: two arms each
		{[]string{"╭──╮", "╰──╯"}, 2, 4},
		{[]string{"╔══╗", "╚══╝"}, 4*2 + 2 + 4*2 + 2, 0}, // double: two lines each
		{[]string{"┃x┃"}, 4, 0},
	} {
		var buf bytes.Buffer
		if err := WriteStill(&buf, testFrame(tt.rows...), testLook, th); err != nil {
			t.Fatal(err)
		}
		svg := buf.String()
		if n := strings.Count(svg, "<rect x="); n != tt.rects {
			t.Errorf("%q: %d rects, want %d:\n%s", tt.rows, n, tt.rects, svg)
		}
		if n := strings.Count(svg, "<path "); n != tt.paths {
			t.Errorf("%q: %d paths, want %d", tt.rows, n, tt.paths)
		}
		frames := svgFrames(t, buf.Bytes())
		if strings.ContainsAny(frames[0], "┌─┐└┘╭╮╰╯╔═╗╚╝┃") {
			t.Errorf("%q: box characters drawn as text: %q", tt.rows, frames[0])
		}
	}
}

// BenchmarkWriteSVG draws a busy 128×44 screen (every cell colored) as a
// 60-frame film: the drawing's own cost, without the program.
func BenchmarkWriteSVG(b *testing.B) {
	th, _ := ParseTheme("Catppuccin Mocha")
	var stills []tape.Still
	for i := range 60 {
		rows := make([]string, 44)
		for y := range rows {
			rows[y] = strings.Repeat(string(rune('a'+(y+i)%26)), 128)
		}
		f := testFrame(rows...)
		for j := range f.Cells {
			f.Cells[j].Fg = tape.Color{Kind: tape.IndexedColor, Value: uint32(j % 7)}
		}
		stills = append(stills, tape.Still{At: time.Duration(i) * time.Second, Frame: f})
	}
	look := tape.Look{Width: 1400, Height: 900, FontSize: 16, Padding: 20, LetterSpacing: 1, LineHeight: 1}
	for b.Loop() {
		if err := WriteSVG(io.Discard, stills, time.Minute, look, th); err != nil {
			b.Fatal(err)
		}
	}
}

// TestLookFromTape: the tape's FontFamily leads the font list (when it is a
// plain name: it lands in CSS) and its BorderRadius rounds the frame.
func TestLookFromTape(t *testing.T) {
	t.Parallel()
	th, _ := ParseTheme("")
	for _, tt := range []struct {
		family, want string
		radius       int
	}{
		{"JetBrains Mono", `font-family:"JetBrains Mono",ui-monospace,`, 8},
		{`x"}text{fill:red`, "font-family:ui-monospace,", 0},
		{"", "font-family:ui-monospace,", 0},
	} {
		look := testLook
		look.FontFamily, look.BorderRadius = tt.family, tt.radius
		var buf bytes.Buffer
		if err := WriteStill(&buf, testFrame("hi"), look, th); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(buf.String(), tt.want) {
			t.Errorf("FontFamily %q: no %q in\n%s", tt.family, tt.want, buf.String())
		}
		if want := fmt.Sprintf(`rx="%d"`, tt.radius); !strings.Contains(buf.String(), want) {
			t.Errorf("BorderRadius %d: no %s", tt.radius, want)
		}
	}
}

// FuzzLook: a tape's FontFamily lands in the SVG's CSS; whatever it says,
// the SVG stays well-formed and its style cannot be closed early.
func FuzzLook(f *testing.F) {
	f.Add("JetBrains Mono", 8)
	f.Add(`x"}</style><script>`, -3)
	th, _ := ParseTheme("")
	f.Fuzz(func(t *testing.T, family string, radius int) {
		look := testLook
		look.FontFamily, look.BorderRadius = family, radius
		var buf bytes.Buffer
		if err := WriteStill(&buf, testFrame("hi"), look, th); err != nil {
			t.Fatal(err)
		}
		svgFrames(t, buf.Bytes())
		if strings.Count(buf.String(), "</style>") != 1 || strings.Count(buf.String(), "{") != strings.Count(buf.String(), "}") {
			t.Fatalf("FontFamily %q breaks out of the CSS:\n%s", family, buf.String())
		}
	})
}
