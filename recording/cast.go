// Package recording turns a filmed tape (tape.Result's Stills and Shots)
// into files: an asciicast v2 recording, an animated SVG, and still SVGs.
// It draws only from the frames and the tape's Look, so the same film gives
// the same bytes every time.
package recording

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"kmslab/tape"
)

// castHeader is asciicast v2's first line
// (https://docs.asciinema.org/manual/asciicast/v2/). It has no timestamp:
// two recordings of the same tape must be the same bytes.
type castHeader struct {
	Version int               `json:"version"`
	Width   int               `json:"width"`
	Height  int               `json:"height"`
	Title   string            `json:"title,omitempty"`
	Env     map[string]string `json:"env"`
	Theme   castTheme         `json:"theme"`
}

type castTheme struct {
	Fg      string `json:"fg"`
	Bg      string `json:"bg"`
	Palette string `json:"palette"` // 16 colors, colon-separated
}

// WriteCast writes stills as an asciicast v2 recording: the header, then one
// output event per still that repaints the whole screen, at the still's time
// in seconds. length is the whole film's: a last event at that time, which
// only shows the cursor again, holds the final screen until then, as the
// tape's closing Sleep does.
func WriteCast(w io.Writer, stills []tape.Still, length time.Duration, look tape.Look, theme Theme, title string) error {
	if len(stills) == 0 {
		return fmt.Errorf("nothing was filmed")
	}
	bw := bufio.NewWriter(w)
	pal := make([]string, len(theme.Palette))
	for i, c := range theme.Palette {
		pal[i] = c.Hex()
	}
	f0 := stills[0].Frame
	h := castHeader{
		Version: 2, Width: f0.Cols, Height: f0.Rows, Title: title,
		Env:   map[string]string{"TERM": "xterm-256color", "SHELL": "/bin/bash"},
		Theme: castTheme{Fg: theme.Foreground.Hex(), Bg: theme.Background.Hex(), Palette: strings.Join(pal, ":")},
	}
	hb, err := json.Marshal(h)
	if err != nil {
		return err
	}
	bw.Write(hb)
	bw.WriteByte('\n')
	var last time.Duration
	for i, s := range stills {
		at := max(s.At, last) // monotonic, whatever the caller passed
		last = at
		var data strings.Builder
		if i == 0 {
			data.WriteString("\x1b[?25l\x1b[H\x1b[2J")
		}
		var prev *tape.Frame
		if i > 0 {
			prev = &stills[i-1].Frame
		}
		repaint(&data, &s.Frame, prev)
		writeEvent(bw, at, data.String())
	}
	// The end: the cursor shown again, on the last row, so that a player in
	// a real terminal (asciinema play) hands it back as it was.
	writeEvent(bw, max(length, last), fmt.Sprintf("\x1b[0m\x1b[%d;1H\x1b[?25h", f0.Rows))
	return bw.Flush()
}

func writeEvent(w *bufio.Writer, at time.Duration, data string) {
	d, _ := json.Marshal(data)
	w.WriteString("[" + strconv.FormatFloat(at.Seconds(), 'f', 6, 64) + `, "o", `)
	w.Write(d)
	w.WriteString("]\n")
}

// repaint draws a frame over the previous one (nil: over a blank screen):
// each row that changed, from its first column, with its colors as the
// program gave them, then the cursor.
func repaint(b *strings.Builder, f, prev *tape.Frame) {
	b.WriteString("\x1b[?25l")
	for y := range f.Rows {
		if prev != nil && prev.Cols == f.Cols && prev.Rows == f.Rows && sameRow(f, prev, y) {
			continue
		}
		fmt.Fprintf(b, "\x1b[%d;1H\x1b[0m", y+1)
		var cur tape.Cell
		// Trailing default blanks are erased, not written.
		end := f.Cols
		for end > 0 {
			c := f.At(end-1, y)
			if c.Content != " " || c.Bg.Kind != tape.DefaultColor || c.Attrs&(tape.Reverse|tape.Underline|tape.Strike) != 0 {
				break
			}
			end--
		}
		for x := range end {
			c := f.At(x, y)
			if c.Width == 0 {
				continue
			}
			if x == 0 || c.Fg != cur.Fg || c.Bg != cur.Bg || c.Attrs != cur.Attrs {
				b.WriteString(sgr(c))
				cur = c
			}
			b.WriteString(c.Content)
		}
		b.WriteString("\x1b[0m")
		if end < f.Cols {
			// Not after a full row: there the cursor waits on its last
			// cell, and erasing would take that cell too.
			b.WriteString("\x1b[K")
		}
	}
	fmt.Fprintf(b, "\x1b[%d;%dH", f.CursorY+1, f.CursorX+1)
	if f.CursorShow {
		b.WriteString("\x1b[?25h")
	}
}

// sgr is the escape sequence that sets a cell's style from a reset.
func sgr(c tape.Cell) string {
	p := []string{"0"}
	for _, a := range []struct {
		attr tape.Attr
		code string
	}{
		{tape.Bold, "1"}, {tape.Faint, "2"}, {tape.Italic, "3"}, {tape.Underline, "4"},
		{tape.Reverse, "7"}, {tape.Conceal, "8"}, {tape.Strike, "9"},
	} {
		if c.Attrs&a.attr != 0 {
			p = append(p, a.code)
		}
	}
	p = append(p, colorSGR(c.Fg, 30, 90, "38")...)
	p = append(p, colorSGR(c.Bg, 40, 100, "48")...)
	return "\x1b[" + strings.Join(p, ";") + "m"
}

func colorSGR(c tape.Color, base, bright int, ext string) []string {
	switch c.Kind {
	case tape.IndexedColor:
		switch {
		case c.Value < 8:
			return []string{strconv.Itoa(base + int(c.Value))}
		case c.Value < 16:
			return []string{strconv.Itoa(bright + int(c.Value) - 8)}
		default:
			return []string{ext, "5", strconv.Itoa(int(c.Value))}
		}
	case tape.RGBColor:
		return []string{ext, "2", strconv.Itoa(int(c.Value >> 16 & 0xff)), strconv.Itoa(int(c.Value >> 8 & 0xff)), strconv.Itoa(int(c.Value & 0xff))}
	}
	return nil
}

func sameRow(a, b *tape.Frame, y int) bool {
	for x := range a.Cols {
		if a.At(x, y) != b.At(x, y) {
			return false
		}
	}
	return true
}
