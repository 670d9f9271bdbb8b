// Package sshwalk is an attendee of kmslab workshop for tests and the
// benchmark: a golang.org/x/crypto/ssh client with a terminal (the replay's
// charmbracelet/x/vt screen, which also answers the program's queries) that
// walks the lab by reading the status line, as a person does.
package sshwalk

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"kmslab/steps"
	"kmslab/tape"
)

// Dial connects as user. The host key is not checked: the workshop's is
// made on its first start, and these clients only ever dial a server the
// caller just started.
func Dial(addr, user string, auth ...gossh.AuthMethod) (*gossh.Client, error) {
	return gossh.Dial("tcp", addr, &gossh.ClientConfig{
		User:            user,
		Auth:            auth,
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), //nolint:gosec // a server the caller started, on loopback
		Timeout:         10 * time.Second,
	})
}

// Term is a terminal on one SSH session.
type Term struct {
	Client  *gossh.Client
	Session *gossh.Session
	screen  *tape.Screen
	stdin   io.WriteCloser
	stderr  strings.Builder // what the server said on stderr

	mu      sync.Mutex
	colored bool          // a foreground color (SGR 38) was drawn
	changed chan struct{} // closed and replaced on every output
	ended   bool
	done    chan struct{} // the output pump ended (the session closed)
}

// Largest screen a Term keeps: a client may claim a 10000x10000 window, but
// a virtual screen that size would be the test's own memory bomb.
const maxCols, maxRows = 400, 200

// Open asks for a PTY of cols x rows and a shell, and draws what comes back
// on a screen of that size (at most maxCols x maxRows).
func Open(c *gossh.Client, cols, rows int) (*Term, error) {
	return OpenOn(c, cols, rows, cols, rows)
}

// OpenAs is Open with another $TERM than xterm-256color.
func OpenAs(c *gossh.Client, term string, cols, rows int) (*Term, error) {
	return open(c, term, cols, rows, cols, rows)
}

// OpenOn is Open on a screen of its own size: a client may claim a window
// it does not have.
func OpenOn(c *gossh.Client, cols, rows, screenCols, screenRows int) (*Term, error) {
	return open(c, "xterm-256color", cols, rows, screenCols, screenRows)
}

// OpenWithEnv is Open with environment variables sent first (an SSH "env"
// request each, as ssh's SendEnv does).
func OpenWithEnv(c *gossh.Client, env map[string]string, cols, rows int) (*Term, error) {
	return openEnv(c, "xterm-256color", env, cols, rows, cols, rows)
}

func open(c *gossh.Client, term string, cols, rows, screenCols, screenRows int) (*Term, error) {
	return openEnv(c, term, nil, cols, rows, screenCols, screenRows)
}

func openEnv(c *gossh.Client, term string, env map[string]string, cols, rows, screenCols, screenRows int) (*Term, error) {
	s, err := c.NewSession()
	if err != nil {
		return nil, err
	}
	for k, v := range env {
		if err := s.Setenv(k, v); err != nil {
			_ = s.Close()
			return nil, fmt.Errorf("env %s: %w", k, err)
		}
	}
	modes := gossh.TerminalModes{gossh.ECHO: 0}
	if err := s.RequestPty(term, rows, cols, modes); err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("pty: %w", err)
	}
	return start(c, s, min(max(screenCols, 1), maxCols), min(max(screenRows, 1), maxRows))
}

// OpenNoPTY asks for a shell without a terminal.
func OpenNoPTY(c *gossh.Client) (*Term, error) {
	s, err := c.NewSession()
	if err != nil {
		return nil, err
	}
	return start(c, s, 80, 24)
}

func start(c *gossh.Client, s *gossh.Session, cols, rows int) (*Term, error) {
	t := &Term{Client: c, Session: s, changed: make(chan struct{}), done: make(chan struct{})}
	stdin, err := s.StdinPipe()
	if err != nil {
		return nil, err
	}
	t.stdin = stdin
	stdout, err := s.StdoutPipe()
	if err != nil {
		return nil, err
	}
	s.Stderr = &lockedWriter{mu: &t.mu, w: &t.stderr}
	// The terminal's answers to the program's queries go back as input.
	t.screen = tape.NewScreen(cols, rows, func(b []byte) { _, _ = stdin.Write(b) })
	if err := s.Shell(); err != nil {
		return nil, fmt.Errorf("shell: %w", err)
	}
	go t.pump(stdout)
	return t, nil
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (t *Term) pump(r io.Reader) {
	defer close(t.done)
	buf := make([]byte, 32<<10)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			_, _ = t.screen.Write(buf[:n])
			t.mu.Lock()
			t.colored = t.colored || bytes.Contains(buf[:n], []byte("\x1b[38;"))
			close(t.changed)
			t.changed = make(chan struct{})
			t.mu.Unlock()
		}
		if err != nil {
			t.mu.Lock()
			t.ended = true
			close(t.changed)
			t.changed = make(chan struct{})
			t.mu.Unlock()
			return
		}
	}
}

// Colored reports whether the server drew in 256 or true colors.
func (t *Term) Colored() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.colored
}

// Text is the screen as plain text.
func (t *Term) Text() string { return t.screen.Text() }

// Stderr is what the server wrote to the session's stderr.
func (t *Term) Stderr() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.stderr.String()
}

// Ended is closed once the server closed the session's output.
func (t *Term) Ended() <-chan struct{} { return t.done }

// ErrEnded is WaitFor's error when the session ended before the text showed.
var ErrEnded = errors.New("the session ended")

// WaitFor waits until the screen shows one of texts and returns which.
func (t *Term) WaitFor(ctx context.Context, texts ...string) (string, error) {
	for {
		t.mu.Lock()
		ch, ended := t.changed, t.ended
		t.mu.Unlock()
		screen := t.screen.Text()
		for _, s := range texts {
			if strings.Contains(screen, s) {
				return s, nil
			}
		}
		if ended {
			return "", fmt.Errorf("%w before %q showed; screen:\n%s", ErrEnded, texts, screen)
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return "", fmt.Errorf("waiting for %q: %w; screen:\n%s", texts, ctx.Err(), screen)
		}
	}
}

// Send types s (Enter is "\r").
func (t *Term) Send(s string) error {
	_, err := io.WriteString(t.stdin, s)
	return err
}

// Resize tells the server the window is now cols x rows (the screen kept
// here stays its size).
func (t *Term) Resize(cols, rows int) error { return t.Session.WindowChange(rows, cols) }

// Close ends the session and the connection.
func (t *Term) Close() {
	_ = t.Session.Close()
	_ = t.Client.Close()
	<-t.done
	t.screen.Close()
}

// walked is the lab a Term walks: the default one, which a session without
// the choice of lab begins and WalkTo's steps follow.
var walked = steps.KMS()

// welcomeHint is the welcome screen's status line when the lab is fixed.
var welcomeHint = "Press Enter to begin with " + walked.FirstStep() + "."

// The moments of the walk, as the status line announces them.
const (
	// chooserHint is the welcome screen's when the attendee chooses the lab.
	chooserHint = "Choose a lab with ↑/↓ or its number; Enter begins it."
	doneHint    = "Press Enter to continue."
	lastHint    = "Press Enter for the summary."
	failedHint  = "This step failed."
	cleanupHint = "Press Enter to remove everything this run created."
	summaryHint = "Enter or q to quit." // after "Press n for the next lab," when there is one
	// DeniedBanner is on the result of the read the key policy refuses.
	DeniedBanner = "ACCESS DENIED"
)

// RunHint is the status line of the lab's n-th part (from 1) before it runs.
func RunHint(n int) string { return runHint(walked.Steps[n-1]) }

func runHint(s steps.Step) string {
	if s.IsCleanup() {
		return cleanupHint
	}
	return fmt.Sprintf("Press Enter to run part %d.", s.Part)
}

// WaitWelcome waits for the first screen, with or without the choice of
// the lab.
func (t *Term) WaitWelcome(ctx context.Context) error {
	_, err := t.WaitFor(ctx, welcomeHint, chooserHint)
	return err
}

// ChooseLab waits for the list of labs and begins the n-th (from 1) by its
// number: its first step follows.
func (t *Term) ChooseLab(ctx context.Context, n int) error {
	if _, err := t.WaitFor(ctx, chooserHint); err != nil {
		return err
	}
	return t.Send(fmt.Sprint(n))
}

// WalkTo walks from the welcome screen through the lab's steps 1 to last,
// running each; it stops on step last's result. A last past the lab's
// steps walks them all and on to the summary. It returns the time each step
// took to show its result.
func (t *Term) WalkTo(ctx context.Context, last int) ([]time.Duration, error) {
	if err := t.Send("\r"); err != nil {
		return nil, err
	}
	var took []time.Duration
	for i, s := range walked.Steps[:min(last, len(walked.Steps))] {
		if _, err := t.WaitFor(ctx, runHint(s)); err != nil {
			return took, fmt.Errorf("%s: %w", s.ID, err)
		}
		start := time.Now()
		if err := t.Send("\r"); err != nil {
			return took, err
		}
		got, err := t.WaitFor(ctx, doneHint, lastHint, failedHint)
		if err != nil {
			return took, fmt.Errorf("%s: %w", s.ID, err)
		}
		took = append(took, time.Since(start))
		if got == failedHint {
			return took, fmt.Errorf("%s failed; screen:\n%s", s.ID, t.Text())
		}
		if i+1 < last {
			if err := t.Send("\r"); err != nil {
				return took, err
			}
		}
	}
	if last > len(walked.Steps) {
		if _, err := t.WaitFor(ctx, summaryHint); err != nil {
			return took, fmt.Errorf("summary: %w", err)
		}
	}
	return took, nil
}

// StepNames are the ids of the steps WalkTo walks, in order.
func StepNames() []string {
	var ids []string
	for _, s := range walked.Steps {
		ids = append(ids, s.ID)
	}
	return ids
}

// IsClosed reports whether err says the connection is gone.
func IsClosed(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed)
}
