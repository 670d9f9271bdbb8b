package recording

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"kmslab/tape"
)

// Options say how to record a tape.
type Options struct {
	// Bin is the kmslab binary that the tape's "./kmslab" stands for.
	Bin string
	// Fast skips the tape's Sleeps and typing delays. The files are the same
	// bytes either way: they are timed by the tape's clock, not the wall's.
	Fast bool
	// Dir is where the tape's relative Output and Screenshot paths go
	// (default: the working directory, as with VHS).
	Dir string
	// Title is the .cast's title (asciinema shows it): TitleOf the tape.
	Title string
	// Logf, when set, hears each tape command as it is played.
	Logf func(format string, args ...any)
}

// Report is what a recording wrote, and what it left to VHS.
type Report struct {
	Written []string // paths, in tape order
	Skipped []string // "path: why"
	Length  time.Duration
}

// replaySettings are the Set lines the replay itself honours.
var replaySettings = map[string]bool{"TypingSpeed": true, "WaitTimeout": true, "WaitPattern": true, "Shell": true}

// pixelFormats are VHS's Output formats that kmslab record leaves to it (a
// .png Output is VHS's folder of frames).
var pixelFormats = map[string]bool{".gif": true, ".mp4": true, ".webm": true, ".png": true}

// stillPath is where a Screenshot goes: VHS takes only .png Screenshots (its
// parser refuses any other), so that a tape stays VHS's too, a .png one is
// written as the .svg of the same name.
func stillPath(c tape.Command) string {
	if c.Kind == tape.Screenshot && strings.EqualFold(filepath.Ext(c.Text), ".png") {
		return strings.TrimSuffix(c.Text, filepath.Ext(c.Text)) + ".svg"
	}
	return c.Text
}

// Record plays the tape against kmslab in a pseudo-terminal, films it, and
// writes each Output and Screenshot the tape asks for.
func Record(ctx context.Context, cmds []tape.Command, o Options) (*Report, error) {
	rep := &Report{} // what was written so far, even with an error
	look := tape.LookOf(cmds)
	theme, err := ParseTheme(look.Theme)
	if err != nil {
		return rep, err
	}
	var outputs []tape.Command
	for _, c := range cmds {
		if c.Kind == tape.Set && !slices.Contains(tape.LookSettings, c.Name) && !replaySettings[c.Name] {
			rep.Skipped = append(rep.Skipped, "Set "+c.Name+": kmslab record does not draw it (VHS does)")
		}
		if c.Kind == tape.Output && pixelFormats[strings.ToLower(filepath.Ext(c.Text))] {
			// Pixels (GIF, PNG, video) are left out. Go's well-kept
			// rasterizer, golang.org/x/image with its Go Mono font, has no
			// glyph for much of what kmslab draws (╭ ╮ ┏ ━ ✓ ✗ ⊘ ▸ ⛔), and
			// would need a second font carried in the binary. VHS films a
			// GIF; agg (asciinema's) makes one from the .cast.
			rep.Skipped = append(rep.Skipped, c.Text+": video is VHS's (vhs), or agg's from a .cast")
			continue
		}
		if c.Kind == tape.Output || c.Kind == tape.Screenshot {
			if _, ok := writers[strings.ToLower(filepath.Ext(stillPath(c)))]; !ok {
				return rep, fmt.Errorf("tape line %d: cannot write %s: kmslab record writes %s", c.Line, c.Text, formats())
			}
		}
		if c.Kind == tape.Output {
			outputs = append(outputs, c)
		}
	}
	home, err := os.MkdirTemp("", "kmslab-record-")
	if err != nil {
		return rep, err
	}
	defer os.RemoveAll(home)
	r := &tape.Replayer{Launch: Launcher(o.Bin, home), Film: true, Logf: o.Logf, SleepScale: 1}
	if o.Fast {
		r.SleepScale = 0
	}
	res, err := r.Run(ctx, cmds)
	if err != nil {
		return rep, err
	}
	if len(res.Stills) == 0 {
		return rep, fmt.Errorf("the tape filmed nothing: it has no command after its hidden setup")
	}
	rep.Length = res.Length
	for _, c := range outputs {
		w := writers[strings.ToLower(filepath.Ext(c.Text))]
		if err := writeFile(o.Dir, c.Text, func(f io.Writer) error {
			return w.film(f, res.Stills, res.Length, look, theme, o.Title)
		}); err != nil {
			return rep, fmt.Errorf("tape line %d: %w", c.Line, err)
		}
		rep.Written = append(rep.Written, c.Text)
	}
	for _, s := range res.Shots {
		path := stillPath(tape.Command{Kind: tape.Screenshot, Text: s.Path})
		w := writers[strings.ToLower(filepath.Ext(path))]
		if err := writeFile(o.Dir, path, func(f io.Writer) error {
			return w.still(f, s.Frame, look, theme)
		}); err != nil {
			return rep, fmt.Errorf("tape line %d: %w", s.Line, err)
		}
		rep.Written = append(rep.Written, path)
		if path != s.Path {
			rep.Skipped = append(rep.Skipped, s.Path+": written as "+path+" (kmslab record draws no pixels)")
		}
	}
	return rep, nil
}

// TitleOf is a recording's title for the tape at path: "kmslab: demo".
func TitleOf(path string) string {
	return "kmslab: " + strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
}

// writer writes one file format: a whole film, a still, or both.
type writer struct {
	film  func(w io.Writer, stills []tape.Still, length time.Duration, look tape.Look, theme Theme, title string) error
	still func(w io.Writer, f tape.Frame, look tape.Look, theme Theme) error
}

// writers are the formats by extension.
var writers = map[string]writer{
	".cast": {
		film: WriteCast,
		still: func(w io.Writer, f tape.Frame, look tape.Look, theme Theme) error {
			return WriteCast(w, []tape.Still{{Frame: f}}, 0, look, theme, "")
		},
	},
	".svg": {
		film: func(w io.Writer, stills []tape.Still, length time.Duration, look tape.Look, theme Theme, _ string) error {
			return WriteSVG(w, stills, length, look, theme)
		},
		still: WriteStill,
	},
}

func formats() string {
	return ".cast (asciicast v2) and .svg"
}

// writeFile writes dir/name whole or not at all.
func writeFile(dir, name string, write func(io.Writer) error) error {
	path := name
	if dir != "" && !filepath.IsAbs(name) {
		path = filepath.Join(dir, name)
	}
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// Launcher runs the command line a tape types, "./kmslab ARGS", as bin with
// those arguments, in a terminal like VHS's (xterm.js says xterm-256color)
// and with home as its private home, so a recording neither reads nor
// leaves the user's kmslab state. The environment is only that, so the
// user's own (NO_COLOR, AWS_PROFILE, a light theme's COLORFGBG) cannot
// change what is filmed.
func Launcher(bin, home string) func(string) (*exec.Cmd, error) {
	return func(cmdline string) (*exec.Cmd, error) {
		args := strings.Fields(cmdline)
		if args[0] != "./kmslab" && args[0] != "kmslab" {
			return nil, fmt.Errorf("the tape launches %s; kmslab record films kmslab only", args[0])
		}
		cmd := exec.Command(bin, args[1:]...)
		cmd.Dir = home
		cmd.Env = append([]string{"PATH=" + os.Getenv("PATH")}, "TERM=xterm-256color", "COLORTERM=truecolor", "HOME="+home,
			"XDG_STATE_HOME="+filepath.Join(home, "state"), "XDG_CONFIG_HOME="+filepath.Join(home, "config"))
		return cmd, nil
	}
}
