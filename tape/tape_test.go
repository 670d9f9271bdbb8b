package tape

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/vt"
)

func TestParse(t *testing.T) {
	tests := []struct {
		line string
		want Command
	}{
		{"Output demo.gif", Command{Kind: Output, Text: "demo.gif"}},
		{`Output "my demo.gif"`, Command{Kind: Output, Text: "my demo.gif"}},
		{"Require kmslab", Command{Kind: Require, Text: "kmslab"}},
		{"Set FontSize 16", Command{Kind: Set, Name: "FontSize", Text: "16"}},
		{`Set Theme "Catppuccin Mocha"`, Command{Kind: Set, Name: "Theme", Text: "Catppuccin Mocha"}},
		{`Set Theme { "name": "x", "black": "#000000" }`, Command{Kind: Set, Name: "Theme", Text: `{ "name": "x", "black": "#000000" }`}},
		{"Set TypingSpeed 75ms", Command{Kind: Set, Name: "TypingSpeed", Text: "75ms"}},
		{`Env NO_COLOR "1"`, Command{Kind: Env, Name: "NO_COLOR", Text: "1"}},
		{"Sleep 500ms", Command{Kind: Sleep, Duration: 500 * time.Millisecond}},
		{"Sleep 2", Command{Kind: Sleep, Duration: 2 * time.Second}},
		{"Sleep 1.5s", Command{Kind: Sleep, Duration: 1500 * time.Millisecond}},
		{`Type "./kmslab --seed 1"`, Command{Kind: Type, Text: "./kmslab --seed 1"}},
		{`Type@10ms 'say "hi"'`, Command{Kind: Type, Text: `say "hi"`, Speed: 10 * time.Millisecond}},
		{"Type ``", Command{Kind: Type}},
		{"Enter", Command{Kind: Key, Key: "Enter", Count: 1}},
		{"Down 3", Command{Kind: Key, Key: "Down", Count: 3}},
		{"Backspace@100ms 2", Command{Kind: Key, Key: "Backspace", Count: 2, Speed: 100 * time.Millisecond}},
		{"Ctrl+C", Command{Kind: Key, Key: "Ctrl+C", Count: 1}},
		{"Ctrl+Alt+Delete", Command{Kind: Key, Key: "Ctrl+Alt+Delete", Count: 1}},
		{"Shift+Tab", Command{Kind: Key, Key: "Shift+Tab", Count: 1}},
		{"Hide", Command{Kind: Hide}},
		{"Show", Command{Kind: Show}},
		{"Wait", Command{Kind: Wait, Scope: ScopeLine}},
		{"Wait@3m", Command{Kind: Wait, Scope: ScopeLine, Speed: 3 * time.Minute}},
		{"Wait+Line /\\$ $/", Command{Kind: Wait, Scope: ScopeLine}},
		{"Wait+Screen@10s /Part 5 of 6/", Command{Kind: Wait, Scope: ScopeScreen, Speed: 10 * time.Second}},
		{"Screenshot end.png", Command{Kind: Screenshot, Text: "end.png"}},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			cmds, err := Parse("# a comment\n\n" + tt.line + "\r\n")
			if err != nil {
				t.Fatal(err)
			}
			if len(cmds) != 1 {
				t.Fatalf("got %d commands", len(cmds))
			}
			got := cmds[0]
			if got.Line != 3 {
				t.Errorf("Line = %d, want 3", got.Line)
			}
			pat := got.Pattern
			got.Line, got.Pattern = 0, nil
			if got != tt.want {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
			if strings.Contains(tt.line, "/") && tt.want.Kind == Wait && pat == nil {
				t.Errorf("no pattern parsed from %q", tt.line)
			}
		})
	}
}

func TestParseWaitPattern(t *testing.T) {
	cmds, err := Parse("Wait+Screen /(?s)Part 5 of 6.*ACCESS DENIED/")
	if err != nil {
		t.Fatal(err)
	}
	re := cmds[0].Pattern
	if !re.MatchString("Part 5 of 6 · Read\n  ⛔ ACCESS DENIED") || re.MatchString("Part 6 of 6 ACCESS DENIED") {
		t.Errorf("pattern %q does not match as a Go regexp", re)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ tape, want string }{
		{"Typo 1", "unknown command"},
		{"Enterr", "unknown command"},
		{"Ctrl+Foo", "unknown key"},
		{"Hyper+A", "unknown command"},
		{"Ctrl+Ctrl+A", "unknown command"},
		{"Ctrl+ ", "unknown key"},
		{"Set Widht 100", "unknown setting"},
		{"Set Width wide", "not a size"},
		{"Set WaitPattern (", "WaitPattern"},
		{"Set Width", "name and a value"},
		{"Sleep", "missing time"},
		{"Sleep soon", "want e.g."},
		{"Sleep -1", "out of range"},
		{"Sleep 100000h", "out of range"},
		{"Type hello", "must be quoted"},
		{`Type "hello`, "unterminated"},
		{`Type "a" "b"`, "after the text"},
		{"Hide now", "no argument"},
		{"Output", "one argument"},
		{"Output a b", "one argument"},
		{"Wait+Page /x/", "unknown wait scope"},
		{"Wait /x", "unterminated"},
		{"Wait x", "want /regex/"},
		{"Wait //", "empty"},
		{"Wait /(/", "regex"},
		{"Wait /a/ b", "after /regex/"},
		{"Enter 0", "repeat count"},
		{"Enter many", "repeat count"},
		{"Sleep@1s 1", "does not take @time"},
		{"Enter@soon", "Enter@soon"},
		{"Show\nType \"x\n", "line 2"},
		{"Type \"\xff\"", "UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.tape, func(t *testing.T) {
			_, err := Parse(tt.tape)
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q) = %v, want a tape error", tt.tape, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
		})
	}
}

func TestKeySequence(t *testing.T) {
	tests := []struct{ key, want string }{
		{"Enter", "\r"}, {"Escape", "\x1b"}, {"Backspace", "\x7f"}, {"Tab", "\t"}, {"Space", " "},
		{"Up", "\x1b[A"}, {"Left", "\x1b[D"}, {"PageDown", "\x1b[6~"},
		{"Ctrl+C", "\x03"}, {"Ctrl+c", "\x03"}, {"Ctrl+[", "\x1b"}, {"Alt+x", "\x1bx"}, {"Alt+Enter", "\x1b\r"},
		{"Shift+a", "A"}, {"Shift+Tab", "\x1b[Z"}, {"Ctrl+Up", "\x1b[1;5A"}, {"Shift+Delete", "\x1b[3;2~"},
		{"Ctrl+Alt+x", "\x1b\x18"},
	}
	for _, tt := range tests {
		got, err := KeySequence(tt.key)
		if err != nil || got != tt.want {
			t.Errorf("KeySequence(%q) = %q, %v; want %q", tt.key, got, err, tt.want)
		}
	}
	for _, bad := range []string{"Ctrl+1", "Ctrl+Enter", "Meta+a", "Nope"} {
		if _, err := KeySequence(bad); err == nil {
			t.Errorf("KeySequence(%q) succeeded, want an error", bad)
		}
	}
}

func FuzzParseTape(f *testing.F) {
	if src, err := os.ReadFile(demoTape); err == nil {
		f.Add(string(src))
	}
	f.Add("Output demo.gif\nSet Width 1200\nType@50ms \"hi\"\nEnter 3\nWait+Screen@1s /x/\n")
	f.Add("Set Theme { \"name\": \"x\" }\nCtrl+Alt+Delete\nSleep 1.5\nHide\nShow\n")
	f.Add("Wait /a/b/\nType `x`\nEnv A 'b'\n")
	f.Fuzz(func(t *testing.T, src string) {
		cmds, err := Parse(src)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) || pe.Line < 1 {
				t.Fatalf("error %v is not a tape error with a line", err)
			}
			return
		}
		lines := strings.Count(src, "\n") + 1
		for _, c := range cmds {
			if c.Line < 1 || c.Line > lines || c.Kind.String() == "" || strings.HasPrefix(c.Kind.String(), "Kind(") {
				t.Fatalf("bad command %+v", c)
			}
			switch c.Kind {
			case Key:
				if c.Count < 1 || c.Count > maxRepeat {
					t.Fatalf("count %d", c.Count)
				}
				_, _ = KeySequence(c.Key) // may refuse, must not panic
				_, _ = keyEvent(c.Key)
			case Sleep:
				if c.Duration < 0 {
					t.Fatalf("negative sleep %v", c.Duration)
				}
			}
			_ = describe(c)
		}
		_, _ = TerminalSize(cmds)
	})
}

// vtBytes is what the screen sends the program for key, after the program
// wrote setup (e.g. a mode change).
func vtBytes(t *testing.T, setup string, k vt.KeyPressEvent) string {
	t.Helper()
	var got []byte
	s := NewScreen(10, 4, func(b []byte) { got = append(got, b...) })
	_, _ = s.Write([]byte(setup))
	s.SendKey(k)
	s.Close()
	return string(got)
}

// TestKeyEvent: the keys vt encodes give the bytes a terminal sends, the
// same as KeySequence's in the default modes, and the cursor keys follow
// the program's application cursor-key mode as a real terminal does.
func TestKeyEvent(t *testing.T) {
	for _, name := range []string{"Enter", "Escape", "Backspace", "Tab", "Space", "Up", "Left", "PageDown", "Home", "Delete",
		"Ctrl+C", "Ctrl+c", "Ctrl+[", "Alt+x", "Alt+Enter", "Shift+a", "Shift+Tab", "Ctrl+Alt+x", "q", "?", "→"} {
		k, ok := keyEvent(name)
		if !ok {
			t.Errorf("keyEvent(%q): vt should encode it", name)
			continue
		}
		want, err := KeySequence(name)
		if name == "→" {
			want, err = "→", nil
		}
		if got := vtBytes(t, "", k); err != nil || got != want {
			t.Errorf("%s: vt sends %q, want %q (%v)", name, got, want, err)
		}
	}
	up, _ := keyEvent("Up")
	if got := vtBytes(t, "\x1b[?1h", up); got != "\x1bOA" {
		t.Errorf("Up in application cursor-key mode: %q, want ESC O A", got)
	}
	for _, name := range []string{"Ctrl+Up", "Shift+Delete", "Ctrl+?", "Ctrl+1", "Meta+a", "Nope", "Ctrl+Enter"} {
		if _, ok := keyEvent(name); ok {
			t.Errorf("keyEvent(%q) claims vt encodes it", name)
		}
	}
}
