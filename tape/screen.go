package tape

import (
	"io"
	"strings"
	"sync"

	"github.com/charmbracelet/x/vt"
)

// Screen is the replay's virtual terminal. charmbracelet/x/vt interprets
// what the program writes (text, cursor motion, erasure, scrolling, the
// alternate screen) and encodes the keys sent to it; Screen adds what the
// replay needs around it: one lock for the program's output and the tape's
// keys, the rows as plain text for the Wait patterns (colors and other
// attributes are dropped: the tape's patterns match text), and the
// terminal's answers to queries (cursor position, device attributes),
// which some programs wait for.
type Screen struct {
	mu   sync.Mutex
	emu  *vt.Emulator
	done chan struct{} // closed when the input pump has stopped
	gen  uint64        // counts the writes, to tell when the screen has settled
}

// NewScreen returns a blank screen of cols×rows. replies, when set, receives
// what the terminal sends to the program: its answers to queries and the
// keys given to SendKey. Close stops it.
func NewScreen(cols, rows int, replies func([]byte)) *Screen {
	s := &Screen{emu: vt.NewEmulator(max(cols, 1), max(rows, 1)), done: make(chan struct{})}
	// vt writes answers and keys to an unbuffered pipe: it must always be
	// read, or the Write that carried a query would block.
	go func() {
		defer close(s.done)
		buf := make([]byte, 4096)
		for {
			n, err := s.emu.Read(buf)
			if n > 0 && replies != nil {
				replies(append([]byte(nil), buf[:n]...))
			}
			if err != nil {
				return
			}
		}
	}()
	return s
}

// Close stops the screen's answers; the screen can still be read. It closes
// only the input pipe: vt's own Close flags the emulator closed without a
// lock while the pump may be checking that flag.
func (s *Screen) Close() {
	if c, ok := s.emu.InputPipe().(io.Closer); ok {
		_ = c.Close()
	}
	<-s.done
}

// generation counts the writes so far.
func (s *Screen) generation() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gen
}

// Size is the screen's size in cells.
func (s *Screen) Size() (cols, rows int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.emu.Width(), s.emu.Height()
}

// Write interprets program output. It never fails.
func (s *Screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gen++
	s.interpret(p)
	return len(p), nil
}

// interpret feeds p to the emulator without letting it panic. vt v0.1.0 (the
// newest there is) does not clamp a scroll region's bottom margin to the screen
// as xterm does, and its next scroll then indexes past the last row: FuzzScreen
// found "\x1b[0;100r\x1b[S". The rest of such a write is lost, and the scroll
// region is reset to the whole screen so that the next write is sound.
func (s *Screen) interpret(p []byte) {
	defer func() {
		if recover() != nil {
			defer func() { _ = recover() }()
			_, _ = s.emu.Write([]byte("\x1b[r"))
		}
	}()
	_, _ = s.emu.Write(p)
}

// SendKey sends a key as this terminal encodes it, which depends on the
// modes the program set (application cursor keys send ESC O A for Up).
func (s *Screen) SendKey(k vt.KeyPressEvent) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.emu.SendKey(k)
}

// SendText sends text to the program as typed, in order with SendKey.
func (s *Screen) SendText(text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.emu.SendText(text)
}

// Text is what the screen shows: one line per row, trailing blanks trimmed.
func (s *Screen) Text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	lines := make([]string, s.emu.Height())
	for y := range lines {
		lines[y] = s.row(y)
	}
	return strings.Join(lines, "\n")
}

// CursorLine is the text of the row the cursor is on, which is what VHS's
// Wait+Line looks at.
func (s *Screen) CursorLine() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.row(s.emu.CursorPosition().Y)
}

// row is row y as text; the cell right of a wide character is empty.
func (s *Screen) row(y int) string {
	var b strings.Builder
	for x := range s.emu.Width() {
		c := s.emu.CellAt(x, y)
		switch {
		case c == nil:
			b.WriteByte(' ')
		case c.Width == 0 && c.Content == "":
			// the second half of a wide character
		case c.Content == "":
			b.WriteByte(' ')
		default:
			b.WriteString(c.Content)
		}
	}
	return strings.TrimRight(b.String(), " ")
}
