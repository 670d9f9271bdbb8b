package tape

import (
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Screen is a small virtual terminal: it interprets what a full-screen
// program writes (text, cursor motion, erasure, scrolling, the alternate
// screen) and keeps the resulting grid of cells, so a test can ask what a
// viewer would see. Colors and other attributes are parsed and dropped:
// the tape's patterns match text. It is safe for concurrent use.
type Screen struct {
	mu         sync.Mutex
	cols, rows int
	main, alt  [][]string // cells: a grapheme, "" right of a wide one
	grid       *[][]string
	x, y       int
	savedX     int
	savedY     int
	top, bot   int // scroll region, inclusive rows
	wrapNext   bool
	noWrap     bool
	last       string // last printed grapheme, for REP
	state      byte
	parser     *ansi.Parser
	pending    []byte // an incomplete sequence or grapheme from the last Write
	replies    func([]byte)
	altEnabled bool
}

// NewScreen returns a blank screen of cols×rows. replies, when set, receives
// the answers a terminal gives to queries (cursor position, device
// attributes), which some programs wait for.
func NewScreen(cols, rows int, replies func([]byte)) *Screen {
	cols, rows = max(cols, 1), max(rows, 1)
	s := &Screen{cols: cols, rows: rows, parser: ansi.NewParser(), replies: replies}
	s.main, s.alt = blank(cols, rows), blank(cols, rows)
	s.grid = &s.main
	s.bot = rows - 1
	return s
}

func blank(cols, rows int) [][]string {
	g := make([][]string, rows)
	for i := range g {
		g[i] = blankRow(cols)
	}
	return g
}

func blankRow(cols int) []string {
	r := make([]string, cols)
	for i := range r {
		r[i] = " "
	}
	return r
}

// Size is the screen's size in cells.
func (s *Screen) Size() (cols, rows int) { return s.cols, s.rows }

// tabWidth is the distance between the default tab stops, which the
// renderers that move with tabs assume.
const tabWidth = 8

// maxPending bounds an unterminated sequence kept between writes (a title
// or clipboard string that never ends must not grow without limit).
const maxPending = 1 << 16

// Write interprets program output. It never fails.
func (s *Screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	data := append(s.pending, p...)
	s.pending = nil
	// A read may end inside a UTF-8 character: keep its first bytes for later.
	if cut := incompleteRune(data); cut < len(data) {
		s.pending = append([]byte(nil), data[cut:]...)
		data = data[:cut]
	}
	for len(data) > 0 {
		seq, width, n, newState := s.decode(data)
		if n <= 0 || (n == len(data) && newState != ansi.NormalState) {
			// An incomplete sequence: keep it for the next Write.
			if len(data) <= maxPending {
				s.pending = append(append([]byte(nil), data...), s.pending...)
			}
			s.state = ansi.NormalState
			break
		}
		if width > 0 && !utf8.Valid(seq) {
			// Not UTF-8: show one replacement character per bad byte, as terminals do.
			seq, n, width = []byte("\uFFFD"), 1, 1
		}
		s.state = newState
		s.handle(seq, width)
		data = data[n:]
	}
	return len(p), nil
}

// decode is ansi.DecodeSequence, made safe: the decoder indexes its parameter
// buffer without a bound check, so a sequence with more parameters than it
// holds would panic. Such a sequence is dropped byte by byte.
func (s *Screen) decode(data []byte) (seq []byte, width, n int, state byte) {
	defer func() {
		if recover() != nil {
			s.parser = ansi.NewParser()
			seq, width, n, state = nil, 0, 1, ansi.NormalState
		}
	}()
	return ansi.DecodeSequence(data, s.state, s.parser)
}

// incompleteRune returns where a UTF-8 character cut short at the end of b
// begins, or len(b).
func incompleteRune(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if b[i] >= 0xC0 && !utf8.FullRune(b[i:]) {
				return i
			}
			break
		}
	}
	return len(b)
}

func (s *Screen) handle(seq []byte, width int) {
	if len(seq) == 0 {
		return
	}
	switch {
	case width > 0:
		s.print(string(seq), width)
	case ansi.HasCsiPrefix(seq):
		s.csi(ansi.Cmd(s.parser.Command()), s.parser.Params())
	case ansi.HasOscPrefix(seq), ansi.HasDcsPrefix(seq), ansi.HasApcPrefix(seq), ansi.HasPmPrefix(seq), ansi.HasSosPrefix(seq):
		// Titles, clipboard, hyperlinks and queries carried in strings: not text.
	case seq[0] == ansi.ESC && len(seq) > 1:
		s.esc(ansi.Cmd(s.parser.Command()))
	case len(seq) == 1:
		s.control(seq[0])
	}
}

func (s *Screen) print(g string, w int) {
	if s.wrapNext {
		s.x = 0
		s.lineFeed()
		s.wrapNext = false
	}
	if s.x+w > s.cols {
		if s.noWrap {
			s.x = max(s.cols-w, 0)
		} else {
			s.x = 0
			s.lineFeed()
		}
	}
	row := (*s.grid)[s.y]
	s.unsplit(row, s.x)
	row[s.x] = g
	for i := 1; i < w && s.x+i < s.cols; i++ {
		s.unsplit(row, s.x+i)
		row[s.x+i] = ""
	}
	s.last = g
	s.x += w
	if s.x >= s.cols {
		s.x = s.cols - 1
		s.wrapNext = !s.noWrap
	}
}

// unsplit blanks the other half of a wide grapheme about to be overwritten,
// as terminals do.
func (s *Screen) unsplit(row []string, x int) {
	if row[x] == "" && x > 0 {
		row[x-1] = " "
	}
	if x+1 < len(row) && row[x+1] == "" && row[x] != "" {
		row[x+1] = " "
	}
}

func (s *Screen) control(b byte) {
	switch b {
	case ansi.CR:
		s.x, s.wrapNext = 0, false
	case ansi.LF, ansi.VT, ansi.FF:
		s.lineFeed()
	case ansi.BS:
		if s.x > 0 {
			s.x--
		}
		s.wrapNext = false
	case ansi.HT:
		s.x = min((s.x/tabWidth+1)*tabWidth, s.cols-1)
	}
}

func (s *Screen) lineFeed() {
	s.wrapNext = false
	if s.y == s.bot {
		s.scrollUp(1)
		return
	}
	if s.y < s.rows-1 {
		s.y++
	}
}

func (s *Screen) esc(cmd ansi.Cmd) {
	switch cmd.Final() {
	case '7':
		s.savedX, s.savedY = s.x, s.y
	case '8':
		s.x, s.y, s.wrapNext = s.savedX, s.savedY, false
	case 'D':
		s.lineFeed()
	case 'E':
		s.x = 0
		s.lineFeed()
	case 'M':
		if s.y == s.top {
			s.scrollDown(1)
		} else if s.y > 0 {
			s.y--
		}
	case 'c':
		s.main, s.alt = blank(s.cols, s.rows), blank(s.cols, s.rows)
		s.grid, s.altEnabled = &s.main, false
		s.x, s.y, s.savedX, s.savedY, s.wrapNext, s.noWrap = 0, 0, 0, 0, false, false
		s.top, s.bot = 0, s.rows-1
	}
}

func (s *Screen) csi(cmd ansi.Cmd, params ansi.Params) {
	p := func(i, def int) int {
		v, _, _ := params.Param(i, def)
		if v == 0 && def > 0 {
			return def
		}
		return v
	}
	if cmd.Prefix() == '?' {
		s.privateMode(cmd.Final(), params)
		return
	}
	if cmd.Prefix() != 0 || cmd.Intermediate() != 0 {
		return // kitty keyboard, DECRQM, XTVERSION ...: queries and settings, not drawing
	}
	switch cmd.Final() {
	case 'm', 'n', 'c', 'h', 'l', 't', 'q':
		// Attributes, modes and reports leave a pending wrap pending.
	default:
		s.wrapNext = false
	}
	switch cmd.Final() {
	case 'A':
		s.y = max(s.y-p(0, 1), 0)
	case 'B', 'e':
		s.y = min(s.y+p(0, 1), s.rows-1)
	case 'C', 'a':
		s.x = min(s.x+p(0, 1), s.cols-1)
	case 'D':
		s.x = max(s.x-p(0, 1), 0)
	case 'E':
		s.x, s.y = 0, min(s.y+p(0, 1), s.rows-1)
	case 'F':
		s.x, s.y = 0, max(s.y-p(0, 1), 0)
	case 'G', '`':
		s.x = clamp(p(0, 1)-1, 0, s.cols-1)
	case 'd':
		s.y = clamp(p(0, 1)-1, 0, s.rows-1)
	case 'H', 'f':
		s.y, s.x = clamp(p(0, 1)-1, 0, s.rows-1), clamp(p(1, 1)-1, 0, s.cols-1)
	case 'J':
		s.eraseDisplay(p(0, 0))
	case 'K':
		s.eraseLine(p(0, 0))
	case 'X':
		row := (*s.grid)[s.y]
		for i := s.x; i < min(s.x+p(0, 1), s.cols); i++ {
			s.unsplit(row, i)
			row[i] = " "
		}
	case '@':
		row := (*s.grid)[s.y]
		n := min(p(0, 1), s.cols-s.x)
		copy(row[s.x+n:], row[s.x:s.cols-n])
		for i := s.x; i < s.x+n; i++ {
			row[i] = " "
		}
	case 'P':
		row := (*s.grid)[s.y]
		n := min(p(0, 1), s.cols-s.x)
		copy(row[s.x:], row[s.x+n:])
		for i := s.cols - n; i < s.cols; i++ {
			row[i] = " "
		}
	case 'L':
		if s.y >= s.top && s.y <= s.bot {
			s.shift(s.y, s.bot, -p(0, 1))
		}
	case 'M':
		if s.y >= s.top && s.y <= s.bot {
			s.shift(s.y, s.bot, p(0, 1))
		}
	case 'I': // CHT: forward n tab stops
		for range min(p(0, 1), s.cols) {
			s.control(ansi.HT)
		}
	case 'Z': // CBT: back n tab stops
		for range min(p(0, 1), s.cols) {
			s.x = max((s.x-1)/tabWidth*tabWidth, 0)
		}
	case 'S':
		s.scrollUp(p(0, 1))
	case 'T':
		s.scrollDown(p(0, 1))
	case 'b':
		if s.last != "" {
			w := max(ansi.StringWidth(s.last), 1)
			for range min(p(0, 1), s.cols*s.rows) {
				s.print(s.last, w)
			}
		}
	case 'r':
		top, bot := p(0, 1)-1, p(1, s.rows)-1
		if top < bot && bot < s.rows {
			s.top, s.bot = top, bot
		} else {
			s.top, s.bot = 0, s.rows-1
		}
		s.x, s.y = 0, 0
	case 's':
		s.savedX, s.savedY = s.x, s.y
	case 'u':
		s.x, s.y = s.savedX, s.savedY
	case 'n':
		if p(0, 0) == 6 && s.replies != nil {
			s.replies([]byte(ansi.CursorPositionReport(s.y+1, s.x+1)))
		}
	case 'c':
		if s.replies != nil {
			s.replies([]byte("\x1b[?62;22c")) // a VT220 with ANSI color, like xterm.js says
		}
	}
}

func (s *Screen) privateMode(final byte, params ansi.Params) {
	set := final == 'h'
	if final != 'h' && final != 'l' {
		return
	}
	params.ForEach(0, func(_, mode int, _ bool) {
		switch mode {
		case 7:
			s.noWrap = !set
		case 47, 1047, 1049:
			if set == s.altEnabled {
				return
			}
			s.altEnabled = set
			if set {
				if mode == 1049 {
					s.savedX, s.savedY = s.x, s.y
				}
				s.alt = blank(s.cols, s.rows)
				s.grid = &s.alt
			} else {
				s.grid = &s.main
				if mode == 1049 {
					s.x, s.y = s.savedX, s.savedY
				}
			}
		}
	})
}

func (s *Screen) eraseDisplay(mode int) {
	g := *s.grid
	switch mode {
	case 0:
		s.eraseLine(0)
		for y := s.y + 1; y < s.rows; y++ {
			g[y] = blankRow(s.cols)
		}
	case 1:
		s.eraseLine(1)
		for y := 0; y < s.y; y++ {
			g[y] = blankRow(s.cols)
		}
	case 2, 3:
		for y := range g {
			g[y] = blankRow(s.cols)
		}
	}
}

func (s *Screen) eraseLine(mode int) {
	row := (*s.grid)[s.y]
	from, to := s.x, s.cols
	switch mode {
	case 1:
		from, to = 0, s.x+1
	case 2:
		from = 0
	}
	for i := from; i < min(to, s.cols); i++ {
		s.unsplit(row, i)
		row[i] = " "
	}
}

// shift moves rows top..bot up by n (down when n < 0), filling with blanks.
func (s *Screen) shift(top, bot, n int) {
	g := *s.grid
	h := bot - top + 1
	switch {
	case n >= h || -n >= h:
		for y := top; y <= bot; y++ {
			g[y] = blankRow(s.cols)
		}
	case n > 0:
		copy(g[top:bot+1], g[top+n:bot+1])
		for y := bot - n + 1; y <= bot; y++ {
			g[y] = blankRow(s.cols)
		}
	case n < 0:
		copy(g[top-n:bot+1], g[top:bot+1+n])
		for y := top; y < top-n; y++ {
			g[y] = blankRow(s.cols)
		}
	}
}

func (s *Screen) scrollUp(n int)   { s.shift(s.top, s.bot, n) }
func (s *Screen) scrollDown(n int) { s.shift(s.top, s.bot, -n) }

// Text is what the screen shows: one line per row, trailing blanks trimmed.
func (s *Screen) Text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	lines := make([]string, s.rows)
	for y, row := range *s.grid {
		lines[y] = strings.TrimRight(strings.Join(row, ""), " ")
	}
	return strings.Join(lines, "\n")
}

// CursorLine is the text of the row the cursor is on, which is what VHS's
// Wait+Line looks at.
func (s *Screen) CursorLine() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.TrimRight(strings.Join((*s.grid)[s.y], ""), " ")
}

func clamp(v, lo, hi int) int { return min(max(v, lo), hi) }
