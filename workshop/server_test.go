package workshop

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"kmslab/internal/sshwalk"
	"kmslab/steps"
	"kmslab/ui"
)

// TestHostKeyMadeOnceAndPrivate: the first start makes the host key (0600,
// in a 0700 state directory), later starts reuse it, so attendees'
// known_hosts stay valid.
func TestHostKeyMadeOnceAndPrivate(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state", HostKeyFile)
	cfg := Config{HostKeyPath: path, Room: NewRoom([]steps.Lab{steps.KMS()}, nil),
		Open: func(context.Context, Attendee) (Lab, error) { return Lab{}, nil }}
	key := func() []byte {
		if _, err := New(cfg); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("host key mode %o, want 600", st.Mode().Perm())
		}
		return b
	}
	first, second := key(), key()
	if string(first) != string(second) {
		t.Error("the host key changed between starts")
	}
	signer, err := gossh.ParsePrivateKey(first)
	if err != nil {
		t.Fatal(err)
	}
	if signer.PublicKey().Type() != gossh.KeyAlgoED25519 {
		t.Errorf("host key type %s", signer.PublicKey().Type())
	}
	if st, _ := os.Stat(filepath.Dir(path)); st.Mode().Perm() != 0o700 {
		t.Errorf("state dir mode %o, want 700", st.Mode().Perm())
	}
}

// TestFilterRequests: window changes fold into the latest while the
// session is not taking requests; agent and X11 requests are refused; and
// the reading side never blocks.
func TestFilterRequests(t *testing.T) {
	t.Parallel()
	in := make(chan *gossh.Request)
	out := make(chan *gossh.Request)
	ready := make(chan struct{})
	go filterRequests(in, out, ready)
	send := func(typ string, payload byte) { in <- &gossh.Request{Type: typ, Payload: []byte{payload}} }
	send("pty-req", 0)
	for i := range 1000 { // nobody reads out meanwhile: none of these may block
		send("window-change", byte(i))
	}
	send("auth-agent-req@openssh.com", 0)
	send("x11-req", 0)
	send("shell", 0)
	close(ready) // the session has started: window changes may pass
	close(in)
	var got []string
	var last byte
	for r := range out {
		got = append(got, r.Type)
		if r.Type == "window-change" {
			last = r.Payload[0]
		}
	}
	want := []string{"pty-req", "shell", "window-change"}
	if len(got) != len(want) {
		t.Fatalf("passed on %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("passed on %v, want %v", got, want)
		}
	}
	if last != byte(999%256) {
		t.Errorf("the window change passed on is #%d, want the latest", last)
	}
}

// handTimer is an idle timer fired by the test.
type handTimer struct {
	mu     sync.Mutex
	f      func()
	resets int
}

func (h *handTimer) Reset(time.Duration) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.resets++
	return true
}

func (h *handTimer) Stop() bool { return true }

func (h *handTimer) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.resets
}

// TestIdleTimeout: keys keep a session alive; once the idle timeout fires,
// the session ends and the attendee is told why.
func TestIdleTimeout(t *testing.T) {
	t.Parallel()
	room := NewRoom([]steps.Lab{steps.KMS()}, nil)
	srv, err := New(Config{HostKeyPath: filepath.Join(t.TempDir(), HostKeyFile), Room: room,
		Open: func(context.Context, Attendee) (Lab, error) {
			return Lab{Options: ui.Options{Course: steps.KMS()}, Close: func() {}}, nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	timers := make(chan *handTimer, 1)
	srv.after = func(_ time.Duration, f func()) timer {
		h := &handTimer{f: f}
		timers <- h
		return h
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}()
	c, err := sshwalk.Dial(ln.Addr().String(), "napper")
	if err != nil {
		t.Fatal(err)
	}
	term, err := sshwalk.Open(c, 80, 24)
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := term.WaitWelcome(ctx); err != nil {
		t.Fatal(err)
	}
	h := <-timers
	before := h.count()
	_ = term.Send("j") // a key: the timeout starts again
	for h.count() == before {
		select {
		case <-ctx.Done():
			t.Fatal("a key press did not restart the idle timeout")
		case <-time.After(5 * time.Millisecond):
		}
	}
	h.f() // the timeout runs out
	select {
	case <-term.Ended():
	case <-ctx.Done():
		t.Fatal("the idle session was not ended")
	}
	if got := term.Text(); !strings.Contains(got, "no key was pressed for 30m0s, so your session ended") {
		t.Errorf("the attendee was not told why:\n%s", got)
	}
	if s := room.Snapshot(); s.Connected != 0 {
		t.Errorf("%d still connected", s.Connected)
	}
}

// TestShutdownSaysGoodbye: ending the workshop ends every session with the
// goodbye line, and waits for them.
func TestShutdownSaysGoodbye(t *testing.T) {
	t.Parallel()
	room := NewRoom([]steps.Lab{steps.KMS()}, nil)
	closed := make(chan struct{}, 2)
	srv, err := New(Config{HostKeyPath: filepath.Join(t.TempDir(), HostKeyFile), Room: room,
		Open: func(context.Context, Attendee) (Lab, error) {
			return Lab{Options: ui.Options{Course: steps.KMS()}, Close: func() { closed <- struct{}{} }}, nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var terms []*sshwalk.Term
	for _, u := range []string{"ada", "grace"} {
		c, err := sshwalk.Dial(ln.Addr().String(), u)
		if err != nil {
			t.Fatal(err)
		}
		term, err := sshwalk.Open(c, 80, 24)
		if err != nil {
			t.Fatal(err)
		}
		defer term.Close()
		if err := term.WaitWelcome(ctx); err != nil {
			t.Fatal(err)
		}
		terms = append(terms, term)
	}
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	if err := <-served; err != nil {
		t.Fatalf("serve: %v", err)
	}
	for i, term := range terms {
		select {
		case <-term.Ended():
		case <-ctx.Done():
			t.Fatalf("session %d still open", i)
		}
		if got := term.Text(); !strings.Contains(got, "kmslab workshop: "+Goodbye) {
			t.Errorf("session %d got no goodbye:\n%s", i, got)
		}
	}
	if len(closed) != 2 || srv.Active() != 0 {
		t.Errorf("%d labs closed, %d sessions active; want 2 and 0", len(closed), srv.Active())
	}
}
