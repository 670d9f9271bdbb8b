package tape

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/x/vt"
	"github.com/creack/pty"
)

// VHS's defaults for the settings the replay uses.
const (
	defaultWidth       = 1200
	defaultHeight      = 600
	defaultFontSize    = 22
	defaultPadding     = 60
	defaultWaitTimeout = 15 * time.Second
	defaultWaitPattern = ">$"
	defaultTypingSpeed = 50 * time.Millisecond
)

// pollEvery is how often a Wait looks at the screen again.
const pollEvery = 10 * time.Millisecond

// Replayer plays a tape against a real program in a pseudo-terminal.
//
// What VHS does in a shell the replay does directly: the commands between
// Hide and Show are the recording's setup (building the binary, clearing the
// screen) and are skipped, since Launch stands for them; the text typed after
// that up to an Enter is the command line, handed to Launch instead of a
// shell. From then on every Type and key goes to the program, and every Wait
// must find its pattern on the virtual screen in time, in tape order.
type Replayer struct {
	// Launch returns the program to run for the command line the tape types
	// (e.g. "./kmslab --seed 1"). The replay gives it a terminal.
	Launch func(cmdline string) (*exec.Cmd, error)
	// Cols and Rows override the terminal size the replay estimates from the
	// tape's Width, Height, FontSize and Padding.
	Cols, Rows int
	// SleepScale multiplies the tape's Sleep and typing delays: 0 skips them,
	// which is the strict setting, since a tape must never need a Sleep to be
	// in step with the program (that is what its Waits are for).
	SleepScale float64
	// Logf, when set, hears each command as it is played.
	Logf func(format string, args ...any)
	// Film keeps what VHS's camera would: a Still each time the screen
	// changes (Result.Stills) and each Screenshot (Result.Shots). They are
	// stamped with the tape's own clock (its Sleeps and typing delays,
	// whatever SleepScale is), and taken once the screen has settled, so a
	// film does not depend on how fast this machine is. Before the program
	// starts, the command line is typed after a "> " prompt, as in VHS's shell.
	Film bool
}

// WaitError is a Wait whose pattern did not show up in time.
type WaitError struct {
	Cmd     Command
	Pattern string
	Timeout time.Duration
	Screen  string // the screen (or line) it last looked at
	Exited  error  // non-nil when the program ended first
}

func (e *WaitError) Error() string {
	what := "screen"
	if e.Cmd.Scope == ScopeLine {
		what = "cursor line"
	}
	msg := fmt.Sprintf("tape line %d: Wait+%s /%s/: not on the %s after %s", e.Cmd.Line, e.Cmd.Scope, e.Pattern, what, e.Timeout)
	if e.Exited != nil {
		msg += " (the program ended: " + e.Exited.Error() + ")"
	}
	return msg + "; last " + what + ":\n" + e.Screen
}

// Result is what a replay saw.
type Result struct {
	Cols, Rows int
	Matched    []string // the Wait patterns, in the order they matched
	Screen     string   // the screen at the end

	// With Film: the screen each time it changed, the Screenshots, and the
	// length of the film by the tape's clock.
	Stills []Still
	Shots  []Shot
	Length time.Duration
}

type settingsState struct {
	width, height, fontSize, padding int
	letterSpacing, lineHeight        float64
	typingSpeed, waitTimeout         time.Duration
	waitPattern                      *regexp.Regexp
	theme, fontFamily                string
	borderRadius                     int
}

func (s *settingsState) apply(c Command) {
	atoi := func(v string, def int) int {
		if n, err := strconv.Atoi(v); err == nil {
			return n
		}
		return def
	}
	atof := func(v string, def float64) float64 {
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			return f
		}
		return def
	}
	switch c.Name {
	case "Width":
		s.width = atoi(c.Text, s.width)
	case "Height":
		s.height = atoi(c.Text, s.height)
	case "FontSize":
		s.fontSize = atoi(c.Text, s.fontSize)
	case "Padding":
		s.padding = atoi(c.Text, s.padding)
	case "LetterSpacing":
		s.letterSpacing = atof(c.Text, s.letterSpacing)
	case "LineHeight":
		s.lineHeight = atof(c.Text, s.lineHeight)
	case "TypingSpeed":
		if d, err := parseDuration(c.Text); err == nil {
			s.typingSpeed = d
		}
	case "WaitTimeout":
		if d, err := parseDuration(c.Text); err == nil {
			s.waitTimeout = d
		}
	case "WaitPattern":
		if re, err := regexp.Compile(c.Text); err == nil {
			s.waitPattern = re
		}
	case "Theme":
		s.theme = c.Text
	case "FontFamily":
		s.fontFamily = c.Text
	case "BorderRadius":
		s.borderRadius = atoi(c.Text, s.borderRadius)
	}
}

// PlayLength is how long VHS films the tape for, not counting its Waits: the
// Sleeps and the typing delays (TypingSpeed, or a command's @time, after each
// character typed and each key pressed) between Show and Hide. It is also
// the length of a replay's film.
func PlayLength(cmds []Command) time.Duration {
	s := defaults()
	hidden := false
	var d time.Duration
	for _, c := range cmds {
		speed := c.Speed
		if speed == 0 {
			speed = s.typingSpeed
		}
		switch c.Kind {
		case Set:
			s.apply(c)
		case Hide:
			hidden = true
		case Show:
			hidden = false
		case Sleep:
			if !hidden {
				d += c.Duration
			}
		case Type:
			if !hidden {
				d += time.Duration(utf8.RuneCountInString(c.Text)) * speed
			}
		case Key:
			if !hidden {
				d += time.Duration(c.Count) * speed
			}
		}
	}
	return d
}

// TerminalSize estimates the terminal VHS would film, in cells: the frame
// less its padding, divided by a monospace cell of 0.6 em wide (plus letter
// spacing) and 1.2 em times the line height tall. xterm.js measures the
// actual font, so the real size may differ by a few cells; the tape's
// patterns should not depend on it.
func TerminalSize(cmds []Command) (cols, rows int) {
	s := defaults()
	for _, c := range cmds {
		if c.Kind == Set {
			s.apply(c)
		}
	}
	return s.size()
}

// Look is how a tape wants its film to look, from its Set lines and VHS's
// defaults: the frame in pixels, its rounded corners, the font, the padding
// around the terminal, the theme (a name or JSON), and the terminal in cells.
type Look struct {
	Width, Height, FontSize, Padding int
	BorderRadius                     int
	LetterSpacing, LineHeight        float64
	Theme, FontFamily                string
	Cols, Rows                       int
}

// LookSettings are the Set lines a Look honours; the replay itself honours
// TypingSpeed, WaitTimeout, WaitPattern and Shell (which it needs none of).
var LookSettings = []string{"Width", "Height", "FontSize", "Padding", "BorderRadius", "LetterSpacing", "LineHeight", "Theme", "FontFamily"}

// LookOf is the tape's Look.
func LookOf(cmds []Command) Look {
	s := defaults()
	for _, c := range cmds {
		if c.Kind == Set {
			s.apply(c)
		}
	}
	cols, rows := s.size()
	return Look{Width: s.width, Height: s.height, FontSize: s.fontSize, Padding: s.padding, BorderRadius: s.borderRadius,
		LetterSpacing: s.letterSpacing, LineHeight: s.lineHeight, Theme: s.theme, FontFamily: s.fontFamily, Cols: cols, Rows: rows}
}

func defaults() settingsState {
	return settingsState{
		width: defaultWidth, height: defaultHeight, fontSize: defaultFontSize, padding: defaultPadding,
		letterSpacing: 1, lineHeight: 1, typingSpeed: defaultTypingSpeed, waitTimeout: defaultWaitTimeout,
		waitPattern: regexp.MustCompile(defaultWaitPattern),
	}
}

func (s settingsState) size() (cols, rows int) {
	fs := float64(max(s.fontSize, 1))
	cellW := fs*0.6 + max(s.letterSpacing, 0)
	cellH := fs * 1.2 * max(s.lineHeight, 0.1)
	cols = int(float64(max(s.width-2*s.padding, 1)) / cellW)
	rows = int(float64(max(s.height-2*s.padding, 1)) / cellH)
	return clamp(cols, 20, 1000), clamp(rows, 5, 500)
}

// run is one replay in progress.
type run struct {
	r      *Replayer
	set    settingsState
	screen *Screen
	ptmx   *os.File
	wmu    sync.Mutex
	cmd    *exec.Cmd
	done   chan struct{} // closed when the program has exited
	exit   error
	env    []string
	res    Result
	at     time.Duration // the tape's clock, for Film
}

// Run plays cmds. It returns the first Wait that failed as a *WaitError,
// and any other problem (an unsupported key, a program that cannot start).
func (r *Replayer) Run(ctx context.Context, cmds []Command) (res *Result, err error) {
	if r.Launch == nil {
		return nil, errors.New("replay: no Launch function")
	}
	ru := &run{r: r, set: defaults()}
	defer ru.stop()
	hidden := false
	var line strings.Builder
	for i, c := range cmds {
		if err := ctx.Err(); err != nil {
			return &ru.res, err
		}
		r.logf("tape line %d: %s", c.Line, describe(c))
		switch c.Kind {
		case Set:
			ru.set.apply(c)
			continue
		case Env:
			ru.env = append(ru.env, c.Name+"="+c.Text)
			continue
		case Output:
			continue // the caller writes the files
		case Screenshot:
			if !hidden && r.Film {
				if err := ru.shoot(ctx, c); err != nil {
					return &ru.res, err
				}
			}
			continue
		case Require:
			if _, err := exec.LookPath(c.Text); err != nil {
				return &ru.res, fmt.Errorf("tape line %d: Require %s: %w", c.Line, c.Text, err)
			}
			continue
		case Hide:
			hidden = true
			continue
		case Show:
			hidden = false
			continue
		}
		if hidden {
			continue // setup for the recording shell: see Replayer
		}
		if ru.cmd == nil {
			// Before the program runs, typing builds its command line.
			switch {
			case c.Kind == Type:
				line.WriteString(c.Text)
				if err := ru.typePrompt(ctx, c); err != nil {
					return &ru.res, err
				}
			case c.Kind == Key && c.Key == "Backspace":
				s := []rune(line.String())
				line.Reset()
				line.WriteString(string(s[:max(len(s)-c.Count, 0)]))
				if err := ru.typePrompt(ctx, c); err != nil {
					return &ru.res, err
				}
			case c.Kind == Key && c.Key == "Enter":
				if err := ru.typePrompt(ctx, c); err != nil {
					return &ru.res, err
				}
				if err := ru.start(line.String()); err != nil {
					return &ru.res, fmt.Errorf("tape line %d: %w", c.Line, err)
				}
				line.Reset()
			case c.Kind == Sleep:
				if err := ru.sleep(ctx, c.Duration); err != nil {
					return &ru.res, err
				}
			case c.Kind == Wait:
				// Waiting on the shell before the program starts: nothing to check.
			default:
				return &ru.res, fmt.Errorf("tape line %d: %s before the program is started", c.Line, describe(c))
			}
			continue
		}
		if err := ru.play(ctx, c, r.Film && !waitsNext(cmds[i+1:])); err != nil {
			return &ru.res, err
		}
	}
	if ru.screen != nil {
		ru.res.Screen = ru.screen.Text()
	}
	ru.res.Length = ru.at
	return &ru.res, nil
}

func (r *Replayer) logf(format string, args ...any) {
	if r.Logf != nil {
		r.Logf(format, args...)
	}
}

// shellChars are what a command line would need a shell for.
const shellChars = "\"'`$|&;<>(){}*?~\\"

func (ru *run) start(cmdline string) error {
	if strings.TrimSpace(cmdline) == "" {
		return errors.New("an Enter with no command typed: nothing to launch")
	}
	if strings.ContainsAny(cmdline, shellChars) {
		return fmt.Errorf("command line %q needs a shell; the replay runs plain commands only", cmdline)
	}
	cmd, err := ru.r.Launch(cmdline)
	if err != nil {
		return fmt.Errorf("launch %q: %w", cmdline, err)
	}
	cols, rows := ru.set.size()
	if ru.r.Cols > 0 && ru.r.Rows > 0 {
		cols, rows = ru.r.Cols, ru.r.Rows
	}
	ru.res.Cols, ru.res.Rows = cols, rows
	cmd.Env = append(cmd.Env, ru.env...)
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: uint16(cols), Rows: uint16(rows)})
	if err != nil {
		return fmt.Errorf("start %q in a terminal: %w", cmdline, err)
	}
	ru.cmd, ru.ptmx, ru.done = cmd, ptmx, make(chan struct{})
	if ru.screen == nil {
		ru.screen = NewScreen(cols, rows, func(b []byte) { _ = ru.write(b) })
	}
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		_, _ = io.Copy(ru.screen, ptmx) // ends with EIO once the program exits
	}()
	go func() {
		ru.exit = cmd.Wait()
		<-copied
		close(ru.done)
	}()
	return nil
}

func (ru *run) write(b []byte) error {
	ru.wmu.Lock()
	defer ru.wmu.Unlock()
	_, err := ru.ptmx.Write(b)
	return err
}

func (ru *run) stop() {
	if ru.cmd == nil {
		if ru.screen != nil {
			ru.screen.Close() // the prompt's, when the program never started
		}
		return
	}
	select {
	case <-ru.done:
	default:
		_ = ru.cmd.Process.Kill()
		select {
		case <-ru.done:
		case <-time.After(5 * time.Second):
		}
	}
	_ = ru.ptmx.Close()
	ru.screen.Close()
}

func (ru *run) sleep(ctx context.Context, d time.Duration) error {
	ru.at += d
	d = time.Duration(float64(d) * ru.r.SleepScale)
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// play plays c against the running program. With film, each keystroke is
// filmed once the screen settles; without, the Wait that follows films it.
func (ru *run) play(ctx context.Context, c Command, film bool) error {
	switch c.Kind {
	case Sleep:
		return ru.sleep(ctx, c.Duration)
	case Type:
		speed := c.Speed
		if speed == 0 {
			speed = ru.set.typingSpeed
		}
		n := utf8.RuneCountInString(c.Text)
		i := 0
		for _, r := range c.Text {
			before := ru.screen.generation()
			if err := ru.send(string(r)); err != nil {
				return fmt.Errorf("tape line %d: %w", c.Line, err)
			}
			i++
			if err := ru.filmKey(ctx, ru.r.Film && (film || i < n), before); err != nil {
				return err
			}
			if err := ru.sleep(ctx, speed); err != nil {
				return err
			}
		}
	case Key:
		// vt encodes the keys it covers, as the program's modes want them;
		// KeySequence spells out the others.
		k, byVT := keyEvent(c.Key)
		var seq string
		if !byVT {
			var err error
			if seq, err = KeySequence(c.Key); err != nil {
				return fmt.Errorf("tape line %d: %w", c.Line, err)
			}
		}
		speed := c.Speed
		if speed == 0 {
			speed = ru.set.typingSpeed
		}
		for i := range c.Count {
			send := func() error { return ru.send(seq) }
			if byVT {
				send = func() error { return ru.sendKey(k) }
			}
			before := ru.screen.generation()
			if err := send(); err != nil {
				return fmt.Errorf("tape line %d: %w", c.Line, err)
			}
			if err := ru.filmKey(ctx, ru.r.Film && (film || i < c.Count-1), before); err != nil {
				return err
			}
			if err := ru.sleep(ctx, speed); err != nil {
				return err
			}
		}
	case Wait:
		if err := ru.wait(ctx, c); err != nil {
			return err
		}
		return ru.filmIf(ctx, ru.r.Film)
	default:
		return fmt.Errorf("tape line %d: cannot replay %s", c.Line, describe(c))
	}
	return nil
}

// send types s. Typed text and keys both go through the screen's input,
// which hands them to the program in the order they were sent.
func (ru *run) send(s string) error {
	if err := ru.ended(); err != nil {
		return err
	}
	ru.screen.SendText(s)
	return nil
}

func (ru *run) sendKey(k vt.KeyPressEvent) error {
	if err := ru.ended(); err != nil {
		return err
	}
	ru.screen.SendKey(k)
	return nil
}

func (ru *run) ended() error {
	select {
	case <-ru.done:
		return fmt.Errorf("the program ended (%v) before the tape did", ru.exit)
	default:
		return nil
	}
}

func (ru *run) wait(ctx context.Context, c Command) error {
	re := c.Pattern
	if re == nil {
		re = ru.set.waitPattern
	}
	timeout := c.Speed
	if timeout == 0 {
		timeout = ru.set.waitTimeout
	}
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	look := func() string {
		if c.Scope == ScopeScreen {
			return ru.screen.Text()
		}
		return ru.screen.CursorLine()
	}
	for {
		seen := look()
		if re.MatchString(seen) {
			ru.res.Matched = append(ru.res.Matched, re.String())
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ru.done:
			// The program is gone: the screen will not change any more.
			seen = look()
			if re.MatchString(seen) {
				ru.res.Matched = append(ru.res.Matched, re.String())
				return nil
			}
			return &WaitError{Cmd: c, Pattern: re.String(), Timeout: timeout, Screen: seen, Exited: exitErr(ru.exit)}
		case <-deadline.C:
			return &WaitError{Cmd: c, Pattern: re.String(), Timeout: timeout, Screen: look()}
		case <-tick.C:
		}
	}
}

func exitErr(err error) error {
	if err == nil {
		return errors.New("exit status 0")
	}
	return err
}

// KeySequence is what a terminal sends for a VHS key name.
func KeySequence(name string) (string, error) {
	plain := map[string]string{
		"Enter": "\r", "Tab": "\t", "Space": " ", "Backspace": "\x7f", "Escape": "\x1b",
		"Up": "\x1b[A", "Down": "\x1b[B", "Right": "\x1b[C", "Left": "\x1b[D",
		"Home": "\x1b[H", "End": "\x1b[F", "Insert": "\x1b[2~", "Delete": "\x1b[3~",
		"PageUp": "\x1b[5~", "PageDown": "\x1b[6~",
	}
	if s, ok := plain[name]; ok {
		return s, nil
	}
	parts := strings.Split(name, "+")
	key := parts[len(parts)-1]
	var ctrl, alt, shift bool
	for _, m := range parts[:len(parts)-1] {
		switch m {
		case "Ctrl":
			ctrl = true
		case "Alt":
			alt = true
		case "Shift":
			shift = true
		default:
			return "", fmt.Errorf("unknown modifier %q in %q", m, name)
		}
	}
	var seq string
	switch {
	case len(key) == 1:
		c := key[0]
		switch {
		case ctrl && c >= '@' && c <= '_', ctrl && c >= 'a' && c <= 'z':
			seq = string(rune(c & 0x1f))
		case ctrl && c == '?':
			seq = "\x7f"
		case ctrl:
			return "", fmt.Errorf("no control code for %q", name)
		case shift && c >= 'a' && c <= 'z':
			seq = string(rune(c - 'a' + 'A'))
		default:
			seq = string(rune(c))
		}
	case shift && !ctrl && key == "Tab":
		seq = "\x1b[Z"
	case ctrl || shift:
		// xterm's modified cursor and editing keys: CSI 1 ; m X or CSI n ; m ~.
		base, ok := plain[key]
		if !ok || !strings.HasPrefix(base, "\x1b[") {
			return "", fmt.Errorf("no sequence for %q", name)
		}
		mod := 1
		if shift {
			mod++
		}
		if alt {
			mod += 2
		}
		if ctrl {
			mod += 4
		}
		body := base[2:]
		final := body[len(body)-1:]
		num := strings.TrimSuffix(body, final)
		if num == "" {
			num = "1"
		}
		return "\x1b[" + num + ";" + strconv.Itoa(mod) + final, nil
	default:
		s, ok := plain[key]
		if !ok {
			return "", fmt.Errorf("unknown key %q", name)
		}
		seq = s
	}
	if alt {
		seq = "\x1b" + seq
	}
	return seq, nil
}

// describe is a command as the tape would spell it, for logs and errors.
func describe(c Command) string {
	switch c.Kind {
	case Key:
		s := c.Key
		if c.Count > 1 {
			s += " " + strconv.Itoa(c.Count)
		}
		return s
	case Type:
		return fmt.Sprintf("Type %q", c.Text)
	case Wait:
		p := "(WaitPattern)"
		if c.Pattern != nil {
			p = "/" + c.Pattern.String() + "/"
		}
		return "Wait+" + c.Scope.String() + " " + p
	case Sleep:
		return "Sleep " + c.Duration.String()
	case Set, Env:
		return c.Kind.String() + " " + c.Name + " " + c.Text
	default:
		return strings.TrimSpace(c.Kind.String() + " " + c.Text)
	}
}

func clamp(v, lo, hi int) int { return min(max(v, lo), hi) }

// Settling: a frame is filmed once the program has written nothing for
// settleQuiet (Bubble Tea draws at most every 1/60 s, so this is a few of
// its frames), or after settleMax when it never stops (a spinner).
const (
	settleQuiet = 50 * time.Millisecond
	settleMax   = 2 * time.Second
	reactMax    = 2 * time.Second // for a key to make the program draw
)

// waitsNext reports whether the next command that does something is a Wait,
// skipping Sleeps: then the Wait films the screen the keystroke led to, once
// it shows what the tape waits for, rather than whatever half-drawn or
// in-progress screen came first.
func waitsNext(rest []Command) bool {
	for _, c := range rest {
		switch c.Kind {
		case Sleep, Set, Env, Output:
			continue
		case Wait:
			return true
		}
		return false
	}
	return false
}

// filmIf films the screen once it has settled, when on is set.
func (ru *run) filmIf(ctx context.Context, on bool) error {
	if !on {
		return nil
	}
	if err := ru.settle(ctx); err != nil {
		return err
	}
	f := ru.screen.Snapshot()
	if n := len(ru.res.Stills); n > 0 && ru.res.Stills[n-1].Frame.Equal(&f) {
		return nil
	}
	ru.res.Stills = append(ru.res.Stills, Still{At: ru.at, Frame: f})
	return nil
}

// filmKey films what a keystroke led to: it waits for the program to draw
// at all (the screen's write count passes before, counted before the key
// was sent), since a busy machine can take longer to answer a key than the
// settling's quiet spell, and then for it to settle. A key that draws
// nothing costs reactMax.
func (ru *run) filmKey(ctx context.Context, on bool, before uint64) error {
	if !on {
		return nil
	}
	deadline := time.NewTimer(reactMax)
	defer deadline.Stop()
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	for ru.screen.generation() == before {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ru.done:
			return ru.filmIf(ctx, true)
		case <-deadline.C:
			return ru.filmIf(ctx, true)
		case <-tick.C:
		}
	}
	return ru.filmIf(ctx, true)
}

// settle waits until the program has stopped drawing.
func (ru *run) settle(ctx context.Context) error {
	if ru.cmd == nil {
		return nil // the prompt is drawn by the replay itself
	}
	deadline := time.Now().Add(settleMax)
	gen := ru.screen.generation()
	t := time.NewTimer(settleQuiet)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ru.done:
			return nil
		case <-t.C:
		}
		g := ru.screen.generation()
		if g == gen || time.Now().After(deadline) {
			return nil
		}
		gen = g
		t.Reset(settleQuiet)
	}
}

// shoot keeps a Screenshot of the settled screen.
func (ru *run) shoot(ctx context.Context, c Command) error {
	if err := ru.ensureScreen(ctx); err != nil {
		return err
	}
	if err := ru.settle(ctx); err != nil {
		return err
	}
	ru.res.Shots = append(ru.res.Shots, Shot{Path: c.Text, Line: c.Line, Still: Still{At: ru.at, Frame: ru.screen.Snapshot()}})
	return nil
}

// ensureScreen makes the screen before the program starts, for the prompt.
func (ru *run) ensureScreen(ctx context.Context) error {
	if ru.screen != nil {
		return nil
	}
	cols, rows := ru.set.size()
	if ru.r.Cols > 0 && ru.r.Rows > 0 {
		cols, rows = ru.r.Cols, ru.r.Rows
	}
	ru.screen = NewScreen(cols, rows, func(b []byte) { _ = ru.write(b) })
	_, _ = ru.screen.Write([]byte(prompt))
	if ru.r.Film {
		return ru.filmIf(ctx, true) // the prompt, before the first key
	}
	return nil
}

// prompt is what VHS's shell shows before a command line.
const prompt = "> "

// typePrompt films the command line being typed, before the program runs:
// what the shell would echo.
func (ru *run) typePrompt(ctx context.Context, c Command) error {
	if !ru.r.Film {
		return nil
	}
	if err := ru.ensureScreen(ctx); err != nil {
		return err
	}
	speed := c.Speed
	if speed == 0 {
		speed = ru.set.typingSpeed
	}
	var keys []string
	switch c.Kind {
	case Type:
		for _, r := range c.Text {
			keys = append(keys, string(r))
		}
	case Key:
		echo := map[string]string{"Backspace": "\b \b", "Enter": "\r\n"}[c.Key]
		for range c.Count {
			keys = append(keys, echo)
		}
	}
	for _, k := range keys {
		_, _ = ru.screen.Write([]byte(k))
		if err := ru.filmIf(ctx, true); err != nil {
			return err
		}
		if err := ru.sleep(ctx, speed); err != nil {
			return err
		}
	}
	return nil
}
