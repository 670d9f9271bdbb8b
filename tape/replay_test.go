package tape

import (
	"context"
	"errors"
	"fmt"
	"kmslab/internal/testbin"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The demo tape at the repository root, and the binary its setup builds.
const demoTape = "../demo.tape"

// kmslabBinary builds kmslab once per test run: it is what the tape's hidden
// setup (go build -o kmslab .) does before filming.
func kmslabBinary(t *testing.T) string {
	t.Helper()
	return testbin.KmslabUnlessShort(t, "builds and runs kmslab in a terminal")
}

// launcher runs "./kmslab ARGS" as the tape types it, with the built binary,
// in a terminal like VHS's (xterm.js says xterm-256color) and a private home.
func launcher(t *testing.T, bin string) func(string) (*exec.Cmd, error) {
	home := t.TempDir()
	return func(cmdline string) (*exec.Cmd, error) {
		args := strings.Fields(cmdline)
		if args[0] != "./kmslab" {
			return nil, errors.New("the demo launches ./kmslab, not " + args[0])
		}
		cmd := exec.Command(bin, args[1:]...)
		cmd.Dir = home
		cmd.Env = append(os.Environ(), "TERM=xterm-256color", "COLORTERM=truecolor", "HOME="+home,
			"XDG_STATE_HOME="+filepath.Join(home, "state"), "XDG_CONFIG_HOME="+filepath.Join(home, "config"))
		return cmd, nil
	}
}

func readDemo(t *testing.T) (string, []Command) {
	t.Helper()
	src, err := os.ReadFile(demoTape)
	if err != nil {
		t.Fatal(err)
	}
	cmds, err := Parse(string(src))
	if err != nil {
		t.Fatalf("demo.tape: %v", err)
	}
	return string(src), cmds
}

// filmedWaits are the Waits the replay checks: those after the hidden setup.
func filmedWaits(cmds []Command) []Command {
	var out []Command
	hidden := false
	for _, c := range cmds {
		switch c.Kind {
		case Hide:
			hidden = true
		case Show:
			hidden = false
		case Wait:
			if !hidden && c.Pattern != nil {
				out = append(out, c)
			}
		}
	}
	return out
}

func TestDemoTapeShape(t *testing.T) {
	t.Parallel()
	_, cmds := readDemo(t)
	var output string
	set := map[string]string{}
	for _, c := range cmds {
		switch c.Kind {
		case Output:
			output = c.Text
		case Set:
			set[c.Name] = c.Text
		case Screenshot:
			// VHS's parser refuses a Screenshot that is not .png, and with it
			// the whole tape; kmslab record writes a .png one as .svg.
			if !strings.HasSuffix(c.Text, ".png") {
				t.Errorf("line %d: Screenshot %s: VHS takes only .png screenshots", c.Line, c.Text)
			}
		case Sleep:
			if c.Duration > 10*time.Second {
				t.Errorf("line %d: a %s pause loses the viewer", c.Line, c.Duration)
			}
		}
	}
	if output != "demo.gif" {
		t.Errorf("Output = %q, want demo.gif", output)
	}
	for _, name := range []string{"Width", "Height", "FontSize", "Theme"} {
		if set[name] == "" {
			t.Errorf("the tape must fix %s so recordings match", name)
		}
	}
	waits := filmedWaits(cmds)
	if len(waits) < 8 {
		t.Fatalf("only %d filmed Wait patterns: the walkthrough is not checked step by step", len(waits))
	}
	for _, w := range waits {
		if w.Scope != ScopeScreen {
			t.Errorf("line %d: a full-screen program needs Wait+Screen, not Wait+Line", w.Line)
		}
	}
	// VHS films the Sleeps and the typing, plus however long the Waits take
	// (a second or two offline): the demo must stay under two minutes, and
	// kmslab record keeps the Sleeps too: under 55 s of them, a real-time
	// recording stays under a minute on a slow machine.
	if d := PlayLength(cmds); d > 55*time.Second {
		t.Errorf("the tape's Sleeps and typing last %s: with its Waits, a real-time recording would take over a minute", d)
	}
	last := waits[len(waits)-1].Pattern.String()
	if !strings.Contains(last, "Summary") {
		t.Errorf("the tape must end on the summary, last Wait is /%s/", last)
	}
}

// TestDemoTape is the tape-cannot-rot test: every keystroke of demo.tape goes
// to the real kmslab in a pseudo-terminal, and every Wait pattern must show
// up on the virtual screen, in order. Sleeps are skipped: a tape that only
// works with its pauses would be flaky under VHS too.
func TestDemoTape(t *testing.T) {
	t.Parallel()
	bin := kmslabBinary(t)
	_, cmds := readDemo(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	r := &Replayer{Launch: launcher(t, bin), Logf: t.Logf}
	res, err := r.Run(ctx, cmds)
	if err != nil {
		t.Fatal(err)
	}
	want := filmedWaits(cmds)
	if len(res.Matched) != len(want) {
		t.Fatalf("matched %d Wait patterns, the tape has %d", len(res.Matched), len(want))
	}
	for i, w := range want {
		if res.Matched[i] != w.Pattern.String() {
			t.Errorf("Wait %d matched /%s/, want /%s/", i, res.Matched[i], w.Pattern)
		}
	}
	t.Logf("replayed at %d×%d; final screen:\n%s", res.Cols, res.Rows, res.Screen)
}

// TestDemoTapeBrokenPatternFails proves the replay can fail: the same tape
// with the denied screen's pattern changed to text kmslab never shows must
// stop there, with a WaitError naming the line, after the earlier Waits matched.
func TestDemoTapeBrokenPatternFails(t *testing.T) {
	t.Parallel()
	bin := kmslabBinary(t)
	src, cmds := readDemo(t)
	const good = "ACCESS DENIED"
	const line = "Wait+Screen /" + good + "/"
	if !strings.Contains(src, line) {
		t.Fatalf("demo.tape no longer has %q: pick another pattern to break", line)
	}
	// Only the broken Wait gets a short timeout: the others keep the tape's,
	// so a slow machine cannot make an earlier Wait fail instead.
	broken, err := Parse(strings.Replace(src, line, "Wait+Screen@2s /ACCESS GRANTED BY MAGIC/", 1))
	if err != nil {
		t.Fatal(err)
	}
	var brokenLine, before int
	for _, w := range filmedWaits(cmds) {
		if strings.Contains(w.Pattern.String(), good) {
			brokenLine = w.Line
			break
		}
		before++
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	r := &Replayer{Launch: launcher(t, bin)}
	res, err := r.Run(ctx, broken)
	var we *WaitError
	if !errors.As(err, &we) {
		t.Fatalf("replay of a broken tape: err = %v, want a WaitError", err)
	}
	if we.Cmd.Line != brokenLine {
		t.Errorf("failed at line %d, want the broken pattern's line %d: %v", we.Cmd.Line, brokenLine, err)
	}
	if !strings.Contains(we.Screen, good) {
		t.Errorf("the failure should show the screen it looked at, which has %q:\n%s", good, we.Screen)
	}
	if len(res.Matched) != before {
		t.Errorf("matched %d Waits before failing, want %d", len(res.Matched), before)
	}
}

// TestReplayWithCat checks Type, keys and both Wait scopes against cat, which
// echoes each line back: no kmslab needed.
func TestReplayWithCat(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("cat"); err != nil {
		t.Skip("no cat")
	}
	tests := []struct {
		name, tape string
		wantErr    bool
	}{
		{"line and screen", "Type \"cat\"\nEnter\nType \"hello\"\nEnter\nWait+Screen@5s /hello\\r?\\n?hello/\nType \"abc\"\nBackspace\nType \"d\"\nWait+Line@5s /^abd$/\n", false},
		{"pattern never shown", "Type \"cat\"\nEnter\nType \"hello\"\nWait+Line@300ms /goodbye/\n", true},
		{"line scope is the cursor line", "Type \"cat\"\nEnter\nType \"one\"\nEnter\nType \"two\"\nWait+Line@5s /two/\nWait+Line@300ms /one/\n", true},
		{"program ends first", "Type \"cat\"\nEnter\nCtrl+D\nWait+Screen@5s /never/\n", true},
		{"keys before launch", "Up\n", true},
		{"shell syntax", "Type \"cat | cat\"\nEnter\n", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel() // each its own cat in its own terminal
			cmds, err := Parse(tt.tape)
			if err != nil {
				t.Fatal(err)
			}
			r := &Replayer{Cols: 40, Rows: 10, Launch: func(line string) (*exec.Cmd, error) {
				f := strings.Fields(line)
				return exec.Command(f[0], f[1:]...), nil
			}}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			start := time.Now()
			_, err = r.Run(ctx, cmds)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if time.Since(start) > 10*time.Second {
				t.Errorf("took %s: a failing Wait must not outlive its timeout", time.Since(start))
			}
		})
	}
}

func TestTerminalSize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		tape       string
		cols, rows int
	}{
		{"", 76, 18}, // VHS defaults: 1200×600, font 22, padding 60
		{"Set Width 1400\nSet Height 900\nSet FontSize 16\nSet Padding 20\n", 128, 44},
		{"Set Width 10\nSet Height 10\n", 20, 5}, // clamped to something usable
	}
	for _, tt := range tests {
		cmds, err := Parse(tt.tape)
		if err != nil {
			t.Fatal(err)
		}
		if c, r := TerminalSize(cmds); c != tt.cols || r != tt.rows {
			t.Errorf("TerminalSize(%q) = %d×%d, want %d×%d", tt.tape, c, r, tt.cols, tt.rows)
		}
	}
}

// TestReplayFilm films cat: the prompt and the command line typed into it,
// a frame per keystroke on the tape's clock, the Wait's frame, and a
// Screenshot.
func TestReplayFilm(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("cat"); err != nil {
		t.Skip("no cat")
	}
	cmds, err := Parse("Set TypingSpeed 100ms\nType \"cat\"\nEnter\nSleep 1s\nType \"hi\"\nEnter\nWait+Screen@5s /hi\\r?\\n?hi/\nScreenshot shot.svg\nSleep 2s\n")
	if err != nil {
		t.Fatal(err)
	}
	r := &Replayer{Cols: 20, Rows: 5, Film: true, Launch: func(line string) (*exec.Cmd, error) {
		f := strings.Fields(line)
		return exec.Command(f[0], f[1:]...), nil
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := r.Run(ctx, cmds)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range res.Stills {
		got = append(got, fmt.Sprintf("%s %q", s.At, strings.TrimRight(s.Frame.Text(), "\n")))
	}
	want := []string{
		`0s ">"`, `0s "> c"`, `100ms "> ca"`, `200ms "> cat"`,
		`300ms "> cat"`,                       // Enter: the cursor moves down, cat starts
		`1.4s "> cat\nh"`, `1.5s "> cat\nhi"`, // after the Sleep
		`1.7s "> cat\nhi\nhi"`, // Enter then a Wait: the Wait films cat's echo
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("stills:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(res.Shots) != 1 || res.Shots[0].Path != "shot.svg" || !strings.Contains(res.Shots[0].Frame.Text(), "hi\nhi") {
		t.Errorf("shots = %+v", res.Shots)
	}
	if want := PlayLength(cmds); res.Length != want || want != 3700*time.Millisecond {
		t.Errorf("length %s, PlayLength %s, want 3.7s", res.Length, want)
	}
}
