package recording

import (
	"fmt"
	"strings"
)

// Box drawing. A font draws │ one line height tall, but a terminal row is
// taller (1.2 em), so borders drawn as text come out dashed. Like xterm.js
// (which VHS films), the SVG draws the box-drawing characters itself, as
// shapes that meet at the cell's edges: a frame is continuous at any zoom.

// overlap is how far a line runs past its cell, under its neighbour's: cells
// meet at fractional pixels, where two abutting edges, each antialiased,
// would leave a faint seam.
const overlap = 0.5

// arm weights.
const (
	none   = 0
	light  = 1
	heavy  = 2
	double = 3
)

// boxArms are the box-drawing characters lipgloss and tables use, by arm:
// up, right, down, left.
var boxArms = map[rune][4]uint8{
	'─': {0, 1, 0, 1}, '│': {1, 0, 1, 0}, '┌': {0, 1, 1, 0}, '┐': {0, 0, 1, 1},
	'└': {1, 1, 0, 0}, '┘': {1, 0, 0, 1}, '├': {1, 1, 1, 0}, '┤': {1, 0, 1, 1},
	'┬': {0, 1, 1, 1}, '┴': {1, 1, 0, 1}, '┼': {1, 1, 1, 1},
	'━': {0, 2, 0, 2}, '┃': {2, 0, 2, 0}, '┏': {0, 2, 2, 0}, '┓': {0, 0, 2, 2},
	'┗': {2, 2, 0, 0}, '┛': {2, 0, 0, 2}, '┣': {2, 2, 2, 0}, '┫': {2, 0, 2, 2},
	'┳': {0, 2, 2, 2}, '┻': {2, 2, 0, 2}, '╋': {2, 2, 2, 2},
	'═': {0, 3, 0, 3}, '║': {3, 0, 3, 0}, '╔': {0, 3, 3, 0}, '╗': {0, 0, 3, 3},
	'╚': {3, 3, 0, 0}, '╝': {3, 0, 0, 3},
	'╴': {0, 0, 0, 1}, '╵': {1, 0, 0, 0}, '╶': {0, 1, 0, 0}, '╷': {0, 0, 1, 0},
}

// boxArcs are the rounded corners, by the two arms they join.
var boxArcs = map[rune][2]int{
	'╭': {1, 2}, // right, down
	'╮': {2, 3}, // down, left
	'╯': {0, 3}, // up, left
	'╰': {0, 1}, // up, right
}

// isBox reports whether the SVG draws r itself.
func isBox(r string) bool {
	if len(r) != 3 { // all of U+2500–U+257F are three bytes in UTF-8
		return false
	}
	c := []rune(r)[0]
	_, ok := boxArms[c]
	_, arc := boxArcs[c]
	return ok || arc
}

// drawBox draws the box-drawing character r in the cell whose left edge is
// x0, n times side by side (a run of ─), in the color fg.
func (s *svgWriter) drawBox(b *strings.Builder, x0 float64, n int, r string, fg RGB) {
	g := s.g
	cls := s.colorClass(fg)
	c := []rune(r)[0]
	lw := max(float64(g.look.FontSize)/16, 1) // a light line
	cy := g.ch / 2
	w := float64(n) * g.cw
	rect := func(x, y, w, h float64) {
		fmt.Fprintf(b, `<rect x="%s" y="%s" width="%s" height="%s" class="%s"/>`, num(x), num(y), num(w), num(h), cls)
	}
	if arms, ok := boxArms[c]; ok {
		if arms == [4]uint8{0, 1, 0, 1} || arms == [4]uint8{0, 2, 0, 2} {
			t := lw * float64(arms[1])
			rect(x0-overlap, cy-t/2, w+2*overlap, t)
			return
		}
		if arms == [4]uint8{0, 3, 0, 3} {
			rect(x0-overlap, cy-1.5*lw, w+2*overlap, lw)
			rect(x0-overlap, cy+0.5*lw, w+2*overlap, lw)
			return
		}
		for i := range n {
			if !s.doubleCorner(rect, x0+float64(i)*g.cw, arms, lw) {
				s.drawArms(rect, x0+float64(i)*g.cw, arms, lw)
			}
		}
		return
	}
	arc := boxArcs[c]
	for i := range n {
		cx := x0 + float64(i)*g.cw + g.cw/2
		rad := min(g.cw, g.ch) / 2
		// From the end of the first arm, round the corner, to the end of the
		// second: each arm reaches its cell edge.
		end := func(arm int) (x, y, ix, iy float64) {
			switch arm {
			case 0:
				return cx, 0, cx, cy - rad
			case 1:
				return cx + g.cw/2, cy, cx + rad, cy
			case 2:
				return cx, g.ch, cx, cy + rad
			default:
				return cx - g.cw/2, cy, cx - rad, cy
			}
		}
		ax, ay, aix, aiy := end(arc[0])
		bx, by, bix, biy := end(arc[1])
		fmt.Fprintf(b, `<path d="M%s %sL%s %sQ%s %s %s %sL%s %s" fill="none" stroke="%s" stroke-width="%s"/>`,
			num(ax), num(ay), num(aix), num(aiy), num(cx), num(cy), num(bix), num(biy), num(bx), num(by), fg.Hex(), num(lw))
	}
}

// drawArms draws one cell's straight arms as rectangles that overlap at the
// centre, so that corners and tees join without a notch.
func (s *svgWriter) drawArms(rect func(x, y, w, h float64), x0 float64, arms [4]uint8, lw float64) {
	g := s.g
	cx, cy := x0+g.cw/2, g.ch/2
	for arm, weight := range arms {
		if weight == none {
			continue
		}
		// Where the arm starts: half the widest crossing arm past the centre.
		reach := 0.0
		for other, ow := range arms {
			if other%2 != arm%2 && ow != none {
				reach = max(reach, thickness(ow, lw)/2)
			}
		}
		for _, off := range offsets(weight, lw) {
			t := min(thickness(weight, lw), 2*lw)
			if weight == double {
				t = lw
			}
			switch arm {
			case 0: // up
				rect(cx+off-t/2, -overlap, t, cy+reach+overlap)
			case 2: // down
				rect(cx+off-t/2, cy-reach, t, g.ch-cy+reach+overlap)
			case 1: // right
				rect(cx-reach, cy+off-t/2, x0+g.cw-cx+reach+overlap, t)
			case 3: // left
				rect(x0-overlap, cy+off-t/2, cx-x0+reach+overlap, t)
			}
		}
	}
}

// thickness is how wide an arm of weight w is across.
func thickness(w uint8, lw float64) float64 {
	switch w {
	case heavy:
		return 2 * lw
	case double:
		return 3 * lw
	}
	return lw
}

// offsets are where an arm's lines sit across it: one in the middle, or two
// for a double line.
func offsets(w uint8, lw float64) []float64 {
	if w == double {
		return []float64{-lw, lw}
	}
	return []float64{0}
}

// doubleCorner draws ╔ ╗ ╚ ╝ as two nested corners, an outer and an inner,
// which generic arms would cross into a small #.
func (s *svgWriter) doubleCorner(rect func(x, y, w, h float64), x0 float64, arms [4]uint8, lw float64) bool {
	g := s.g
	var hx, vy float64 // the horizontal arm's way (+1 right), the vertical's (+1 down)
	switch arms {
	case [4]uint8{0, 3, 3, 0}:
		hx, vy = 1, 1
	case [4]uint8{0, 0, 3, 3}:
		hx, vy = -1, 1
	case [4]uint8{3, 3, 0, 0}:
		hx, vy = 1, -1
	case [4]uint8{3, 0, 0, 3}:
		hx, vy = -1, -1
	default:
		return false
	}
	cx, cy := x0+g.cw/2, g.ch/2
	for _, side := range []float64{-1, 1} { // the outer corner, then the inner
		x, y := cx+side*hx*lw, cy+side*vy*lw // where its two lines meet
		// The horizontal line, from the meeting point to the cell's edge.
		hx0, hx1 := x-hx*lw/2, x0+g.cw+overlap
		if hx < 0 {
			hx0, hx1 = x0-overlap, x-hx*lw/2
		}
		rect(min(hx0, hx1), y-lw/2, abs(hx1-hx0), lw)
		vy0, vy1 := y-vy*lw/2, g.ch+overlap
		if vy < 0 {
			vy0, vy1 = -overlap, y-vy*lw/2
		}
		rect(x-lw/2, min(vy0, vy1), lw, abs(vy1-vy0))
	}
	return true
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}
