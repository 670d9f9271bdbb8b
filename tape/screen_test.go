package tape

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

func TestScreen(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string // the 10×4 screen, rows joined with |
	}{
		{"text and newline", "ab\r\ncd", "ab|cd||"},
		{"LF keeps the column", "ab\ncd", "ab|  cd||"},
		{"autowrap", "0123456789xy", "0123456789|xy||"},
		{"pending wrap survives SGR", "0123456789\x1b[mxy", "0123456789|xy||"},
		{"pending wrap cleared by CR", "0123456789\rX", "X123456789|||"},
		{"no autowrap", "\x1b[?7l0123456789xy", "012345678y|||"},
		{"cursor position", "\x1b[2;3Hx\x1b[4;10Hy", "|  x||         y"},
		{"relative moves", "\x1b[3Bx\x1b[2Ay\x1b[5Cz\x1b[9Dw", "|wy     z||x"},
		{"column and row", "\x1b[5Gx\x1b[3dy", "    x||     y|"},
		{"erase line right", "abcdef\x1b[3D\x1b[K", "abc|||"},
		{"erase line left", "abcdef\x1b[3D\x1b[1K", "    ef|||"},
		{"erase chars", "abcdef\x1b[5D\x1b[2X", "a  def|||"},
		{"erase below", "aa\r\nbb\r\ncc\x1b[2;2H\x1b[J", "aa|b||"},
		{"erase all", "aa\r\nbb\x1b[2J", "|||"},
		{"insert and delete chars", "abcdef\x1b[1;2H\x1b[2@\x1b[1;8H\x1b[P", "a  bcde|||"},
		{"repeat", "ab\x1b[3b", "abbbb|||"},
		{"tabs", "a\tb\x1b[Zc", "a       c|||"},
		{"scroll at bottom", "1\r\n2\r\n3\r\n4\r\n5", "2|3|4|5"},
		{"scroll region", "1\r\n2\r\n3\r\n4\x1b[2;3r\x1b[3;1H\n", "1|3||4"},
		{"scroll up and down", "1\r\n2\r\n3\r\n4\x1b[1S", "2|3|4|"},
		{"insert and delete lines", "1\r\n2\r\n3\r\n4\x1b[2;1H\x1b[L", "1||2|3"},
		{"reverse index at top", "1\r\n2\x1b[H\x1bM", "|1|2|"},
		{"save and restore", "\x1b[2;2H\x1b7\x1b[4;4H\x1b8x", "| x||"},
		{"alt screen", "main\x1b[?1049halt\x1b[?1049l", "main|||"},
		{"alt screen shows alt", "main\x1b[?1049h\x1b[1;5Halt", "    alt|||"},
		{"wide characters", "⛔x\r\n✓ok", "⛔x|✓ok||"},
		{"overwrite half a wide char", "⛔\x1b[1;2Hx", " x|||"},
		{"strings are not text", "\x1b]2;title\x07\x1bP1$r\x1b\\a\x1b_apc\x1b\\b", "ab|||"},
		{"private modes ignored", "\x1b[?2026$p\x1b[>1u\x1b[?25lok", "ok|||"},
		{"reset", "abc\x1b[2;2r\x1bcx", "x|||"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, chunk := range []int{0, 1, 2} {
				s := NewScreen(10, 4, nil)
				defer s.Close()
				write(s, tt.in, chunk)
				got := strings.ReplaceAll(s.Text(), "\n", "|")
				if got != tt.want {
					t.Errorf("chunk %d: got %q, want %q", chunk, got, tt.want)
				}
			}
		})
	}
}

// write feeds in to s whole (chunk 0) or in pieces of chunk bytes, which
// splits sequences and UTF-8 characters across writes.
func write(s *Screen, in string, chunk int) {
	if chunk == 0 {
		_, _ = s.Write([]byte(in))
		return
	}
	for i := 0; i < len(in); i += chunk {
		_, _ = s.Write([]byte(in[i:min(i+chunk, len(in))]))
	}
}

func TestScreenReplies(t *testing.T) {
	var got []string
	s := NewScreen(10, 4, func(b []byte) { got = append(got, string(b)) })
	_, _ = s.Write([]byte("\x1b[2;5H\x1b[6n\x1b[c"))
	s.Close() // every answer has been handed over once Close returns
	if len(got) != 2 || got[0] != "\x1b[2;5R" || !strings.HasPrefix(got[1], "\x1b[?") {
		t.Errorf("replies = %q", got)
	}
}

func TestScreenCursorLine(t *testing.T) {
	s := NewScreen(10, 4, nil)
	defer s.Close()
	_, _ = s.Write([]byte("one\r\ntwo  \x1b[H"))
	if got := s.CursorLine(); got != "one" {
		t.Errorf("CursorLine = %q, want the row the cursor is on", got)
	}
}

func FuzzScreen(f *testing.F) {
	f.Add([]byte("\x1b[?1049h\x1b[2;3Hhello ⛔\x1b[K\r\n\x1b[5b\x1b[Z\x1b[2;3r\x1b[S"), uint8(3))
	f.Add([]byte("\x1b]11;?\x07\x1b[?2026$p\x1bP1$r\x1b\\\x1b[>4;2m"), uint8(1))
	f.Add([]byte("\x1b["+strings.Repeat("1;", 100)+"H"), uint8(0))
	f.Add([]byte("e\u0301\xf0\x9f\x91\x8d\xe2\x80"), uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, chunk uint8) {
		s := NewScreen(12, 5, func([]byte) {})
		defer s.Close()
		write(s, string(data), int(chunk%8))
		lines := strings.Split(s.Text(), "\n")
		if len(lines) != 5 {
			t.Fatalf("%d rows, want 5", len(lines))
		}
		for _, l := range lines {
			if !utf8.ValidString(l) && utf8.ValidString(string(data)) {
				t.Fatalf("row %q is not UTF-8", l)
			}
			if w := ansi.StringWidth(l); w > 12+1 {
				t.Fatalf("row %q is %d cells wide on a 12-column screen", l, w)
			}
		}
		_ = s.CursorLine()
	})
}

// TestScreenSurvivesAScrollRegionPastTheBottom: vt v0.1.0 panics on this; the
// screen keeps working and scrolls the whole screen again afterwards.
func TestScreenSurvivesAScrollRegionPastTheBottom(t *testing.T) {
	s := NewScreen(12, 5, func([]byte) {})
	defer s.Close()
	_, _ = s.Write([]byte("\x1b[0;100r\x1b[S"))
	_, _ = s.Write([]byte("\x1b[Hone\r\ntwo\x1b[5;1H\n"))
	lines := strings.Split(s.Text(), "\n")
	if len(lines) != 5 || lines[0] != "two" {
		t.Fatalf("after the bad region and a scroll, rows = %q, want the first row scrolled away", lines)
	}
}
