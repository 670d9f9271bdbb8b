package tape

import (
	"image/color"
	"strings"
	"time"

	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
)

// Frame is a still of the virtual screen: every cell with its colors and
// attributes, and the cursor. Renderers (asciicast, SVG) draw from it, so it
// holds the colors as the program asked for them (a palette index or RGB)
// and leaves the theme to them.
type Frame struct {
	Cols, Rows int
	Cells      []Cell // Rows×Cols, row by row
	CursorX    int
	CursorY    int
	CursorShow bool
}

// Cell is one cell of a Frame. The right half of a wide character has an
// empty Content and Width 0.
type Cell struct {
	Content string
	Width   int
	Fg, Bg  Color
	Attrs   Attr
}

// Attr is a set of text attributes.
type Attr uint8

// The attributes a recording draws.
const (
	Bold Attr = 1 << iota
	Faint
	Italic
	Underline
	Reverse
	Strike
	Conceal
)

// ColorKind says how a Color was given.
type ColorKind uint8

// Color kinds: the terminal's default, one of the 256 palette entries (the
// first 16 are the theme's), or 24-bit RGB.
const (
	DefaultColor ColorKind = iota
	IndexedColor
	RGBColor
)

// Color is a cell's foreground or background.
type Color struct {
	Kind  ColorKind
	Value uint32 // the index, or 0xRRGGBB
}

// At is the cell at column x, row y.
func (f *Frame) At(x, y int) Cell { return f.Cells[y*f.Cols+x] }

// Equal reports whether two frames show the same thing.
func (f *Frame) Equal(o *Frame) bool {
	if f.Cols != o.Cols || f.Rows != o.Rows || f.CursorShow != o.CursorShow ||
		(f.CursorShow && (f.CursorX != o.CursorX || f.CursorY != o.CursorY)) {
		return false
	}
	for i := range f.Cells {
		if f.Cells[i] != o.Cells[i] {
			return false
		}
	}
	return true
}

// Text is the frame's rows as plain text, trailing blanks trimmed, as
// Screen.Text gives them.
func (f *Frame) Text() string {
	lines := make([]string, f.Rows)
	for y := range f.Rows {
		var b strings.Builder
		for x := range f.Cols {
			if c := f.At(x, y); c.Width != 0 {
				b.WriteString(c.Content)
			}
		}
		lines[y] = strings.TrimRight(b.String(), " ")
	}
	return strings.Join(lines, "\n")
}

// Still is a Frame at its moment in the recording.
type Still struct {
	At    time.Duration
	Frame Frame
}

// Shot is a Screenshot command's still and where the tape wants it.
type Shot struct {
	Path string
	Line int
	Still
}

func colorOf(c color.Color) Color {
	switch c := c.(type) {
	case nil:
		return Color{}
	case ansi.BasicColor:
		return Color{Kind: IndexedColor, Value: uint32(c)}
	case ansi.IndexedColor:
		return Color{Kind: IndexedColor, Value: uint32(c)}
	default:
		r, g, b, a := c.RGBA()
		if a == 0 {
			return Color{}
		}
		return Color{Kind: RGBColor, Value: (r>>8)<<16 | (g>>8)<<8 | b>>8}
	}
}

func attrsOf(s uv.Style) Attr {
	var a Attr
	for _, m := range []struct {
		uv   uint8
		attr Attr
	}{
		{uv.AttrBold, Bold}, {uv.AttrFaint, Faint}, {uv.AttrItalic, Italic},
		{uv.AttrReverse, Reverse}, {uv.AttrStrikethrough, Strike}, {uv.AttrConceal, Conceal},
	} {
		if s.Attrs&m.uv != 0 {
			a |= m.attr
		}
	}
	if s.Underline != uv.UnderlineNone {
		a |= Underline
	}
	return a
}

// Snapshot is the screen as it is now.
func (s *Screen) Snapshot() Frame {
	s.mu.Lock()
	defer s.mu.Unlock()
	cols, rows := s.emu.Width(), s.emu.Height()
	f := Frame{Cols: cols, Rows: rows, Cells: make([]Cell, cols*rows)}
	for y := range rows {
		for x := range cols {
			c := s.emu.CellAt(x, y)
			cell := Cell{Content: " ", Width: 1}
			if c != nil {
				cell = Cell{Content: c.Content, Width: c.Width, Fg: colorOf(c.Style.Fg), Bg: colorOf(c.Style.Bg), Attrs: attrsOf(c.Style)}
				if cell.Content == "" && cell.Width != 0 {
					cell.Content = " "
				}
			}
			f.Cells[y*cols+x] = cell
		}
	}
	// A hidden cursor's position is left at the origin: where a program
	// leaves it depends on how its renderer chose to draw, not on what shows.
	if f.CursorShow = !s.emu.CursorHidden(); f.CursorShow {
		pos := s.emu.CursorPosition()
		f.CursorX, f.CursorY = clamp(pos.X, 0, cols-1), clamp(pos.Y, 0, rows-1)
	}
	return f
}
