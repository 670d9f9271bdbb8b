package cli

import (
	"context"
	"errors"
	"net"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"kmslab/internal/sshwalk"
	"kmslab/workshop"
)

// Hostile attendees are answered, never crash the host and do not stop
// others. Each test below also walks a well-behaved attendee while the
// hostile one does its worst, on the same server.

// bystander walks an ordinary attendee to part n and fails t if they cannot.
func bystander(t *testing.T, rs *roomServer, n int) chan error {
	t.Helper()
	term := rs.attend(t, "bystander", 100, 30)
	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		if err := term.WaitWelcome(ctx); err != nil {
			done <- err
			return
		}
		_, err := term.WalkTo(ctx, n)
		done <- err
	}()
	return done
}

func exitStatus(err error) int {
	var exit *gossh.ExitError
	if errors.As(err, &exit) {
		return exit.ExitStatus()
	}
	return -1
}

func TestWorkshopRefusesNoPTYAndCommands(t *testing.T) {
	t.Parallel()
	rs := startRoom(t, workshopFlags{}, nil)
	c, err := sshwalk.Dial(rs.addr, "mallory")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	for _, tc := range []struct {
		name string
		run  func(*gossh.Session) ([]byte, error)
		want string
	}{
		{"no pty", func(s *gossh.Session) ([]byte, error) {
			return s.CombinedOutput("")
		}, "the lab needs a terminal"},
		{"exec", func(s *gossh.Session) ([]byte, error) {
			return s.CombinedOutput("cat /etc/passwd")
		}, "runs no commands"},
		{"exec with a pty", func(s *gossh.Session) ([]byte, error) {
			if err := s.RequestPty("xterm", 24, 80, nil); err != nil {
				return nil, err
			}
			return s.CombinedOutput("sh")
		}, "runs no commands"},
	} {
		s, err := c.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		out, err := tc.run(s)
		if exitStatus(err) != 1 || !strings.Contains(string(out), tc.want) {
			t.Errorf("%s: exit %v, said %q; want status 1 and %q", tc.name, err, out, tc.want)
		}
		if strings.Count(strings.TrimSpace(string(out)), "\n") != 0 {
			t.Errorf("%s: %q is more than one sentence", tc.name, out)
		}
	}
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RequestSubsystem("sftp"); err == nil {
		t.Error("the sftp subsystem was accepted")
	}
	if s := rs.room.Snapshot(); s.Joined != 0 {
		t.Errorf("refused sessions joined the room: %d", s.Joined)
	}
}

func TestWorkshopRefusesForwarding(t *testing.T) {
	t.Parallel()
	rs := startRoom(t, workshopFlags{}, nil)
	c, err := sshwalk.Dial(rs.addr, "mallory")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// Local forwarding (ssh -L): a direct-tcpip channel to the host's own
	// ports, such as the attendees' offline AWS.
	if conn, err := c.Dial("tcp", rs.addr); err == nil {
		conn.Close()
		t.Error("a direct-tcpip channel (ssh -L) was opened")
	}
	// Remote forwarding (ssh -R).
	if ln, err := c.Listen("tcp", "127.0.0.1:0"); err == nil {
		ln.Close()
		t.Error("tcpip-forward (ssh -R) was accepted")
	}
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, req := range []string{"auth-agent-req@openssh.com", "x11-req"} {
		ok, err := s.SendRequest(req, true, nil)
		if err != nil || ok {
			t.Errorf("%s: ok %v, err %v; want refused", req, ok, err)
		}
	}
	// The session still works after the refusals.
	term, err := sshwalk.Open(c, 80, 24)
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	if err := term.WaitWelcome(waitCtx(t)); err != nil {
		t.Fatal(err)
	}
}

// TestWorkshopWindowSizes: 0x0 and 10000x10000 windows are drawn within
// bounds (a 10000x10000 screen would be 10^8 cells).
func TestWorkshopWindowSizes(t *testing.T) {
	t.Parallel()
	// Not parallel: it measures the heap.
	rs := startRoom(t, workshopFlags{}, nil)
	others := bystander(t, rs, 2)
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)

	c, err := sshwalk.Dial(rs.addr, "zero")
	if err != nil {
		t.Fatal(err)
	}
	zero, err := sshwalk.OpenOn(c, 0, 0, 100, 30)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(zero.Close)
	huge := rs.attend(t, "huge", 10000, 10000)
	ctx := waitCtx(t)
	if err := huge.WaitWelcome(ctx); err != nil {
		t.Fatal(err)
	}
	// A 0x0 window is drawn as 1x1, the first letter of "Terminal too
	// small", and nothing outside it.
	if _, err := zero.WaitFor(ctx, "T"); err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(zero.Text()); got != "T" {
		t.Errorf("a 0x0 window got more than one cell drawn:\n%s", got)
	}
	// The zero-size attendee resizes to something usable and carries on.
	if err := zero.Resize(100, 30); err != nil {
		t.Fatal(err)
	}
	if err := zero.WaitWelcome(ctx); err != nil {
		t.Fatal(err)
	}
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if grew := int64(after.HeapInuse) - int64(before.HeapInuse); grew > 200<<20 {
		t.Errorf("the heap grew by %d MB for two sessions", grew>>20)
	}
	if err := <-others; err != nil {
		t.Fatalf("bystander: %v", err)
	}
}

// TestWorkshopResizeStorm: thousands of window changes, some absurd, end in
// the last size and leave the other attendees walking.
func TestWorkshopResizeStorm(t *testing.T) {
	t.Parallel()
	rs := startRoom(t, workshopFlags{}, nil)
	others := bystander(t, rs, 3)
	storm := rs.attend(t, "storm", 100, 30)
	ctx := waitCtx(t)
	if err := storm.WaitWelcome(ctx); err != nil {
		t.Fatal(err)
	}
	sizes := [][2]int{{0, 0}, {10000, 10000}, {1, 1}, {500, 3}, {79, 23}, {250, 90}}
	for i := range 3000 {
		sz := sizes[i%len(sizes)]
		if err := storm.Resize(sz[0], sz[1]); err != nil {
			t.Fatalf("resize %d: %v", i, err)
		}
	}
	// A size too small for the lab is drawn with the size in it: proof that
	// the storm has been taken in, up to its last change.
	if err := storm.Resize(59, 20); err != nil {
		t.Fatal(err)
	}
	if _, err := storm.WaitFor(ctx, "Terminal too small: 59×20."); err != nil {
		t.Fatal(err)
	}
	if err := storm.Resize(100, 30); err != nil {
		t.Fatal(err)
	}
	// The storm's attendee ends up drawn at its last size, and can walk.
	if err := storm.WaitWelcome(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := storm.WalkTo(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if rule := strings.Repeat("─", 100); !strings.Contains(storm.Text(), rule) {
		t.Errorf("not redrawn at 100 columns after the storm:\n%s", storm.Text())
	}
	if err := <-others; err != nil {
		t.Fatalf("bystander: %v", err)
	}
}

// TestWorkshopClientNeverReads: a client that never reads its output blocks
// only its own session, and the workshop still ends.
func TestWorkshopClientNeverReads(t *testing.T) {
	t.Parallel()
	// Window changes are drawn a millisecond after they settle, not 50:
	// the test needs many redraws, not few.
	rs := startRoomWith(t, &globals{}, workshopFlags{}, nil, func(c *workshop.Config) { c.ResizeSettle = time.Millisecond })
	raw, err := net.DialTimeout("tcp", rs.addr, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	conn := &countingConn{Conn: raw}
	cc, chans, reqs, err := gossh.NewClientConn(conn, rs.addr, &gossh.ClientConfig{
		User:            "deaf",
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), //nolint:gosec // our own server, on loopback
		Timeout:         10 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	c := gossh.NewClient(cc, chans, reqs)
	defer c.Close()
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RequestPty("xterm-256color", 200, 400, nil); err != nil {
		t.Fatal(err)
	}
	stdin, err := s.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.StdoutPipe(); err != nil { // never read: the server's window fills
		t.Fatal(err)
	}
	if err := s.Shell(); err != nil {
		t.Fatal(err)
	}
	// The client's SSH library takes in what arrives but, with stdout never
	// read, grants the server no more window than the first 2 MB. Redraws
	// (window changes, a frame apart) are asked for until that much has
	// arrived on the wire and nothing more arrives for two seconds: the
	// wire also carries SSH's framing, so 2 MB on it can leave a few
	// kilobytes of window, room for a goodbye. Bytes are counted, not
	// redraws, since a loaded machine's renderer folds frames together.
	others := bystander(t, rs, 3)
	if _, err := stdin.Write([]byte("\r\r")); err != nil { // begin, run part 1
		t.Fatal(err)
	}
	const window, still = 2 << 20, 2 * time.Second
	deadline := time.Now().Add(3 * time.Minute)
	last, since := int64(-1), time.Now()
	for i := 0; ; i++ {
		n := conn.received()
		if n != last {
			last, since = n, time.Now()
		}
		if n >= window && time.Since(since) >= still {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d bytes arrived after %d window changes; the window is %d", n, i, window)
		}
		_ = s.WindowChange(200-i%2, 400-i%2)
		time.Sleep(17 * time.Millisecond)
	}
	if err := <-others; err != nil {
		t.Fatalf("bystander: %v", err)
	}
	// Ending the workshop cannot say goodbye to it, but ends it.
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := rs.srv.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("shutdown: %v; want its goodbye to be stuck (the client reads nothing)", err)
	}
	if n := rs.srv.Active(); n != 0 {
		t.Fatalf("%d session(s) still running after shutdown", n)
	}
}

// countingConn counts the bytes a client reads off the wire.
type countingConn struct {
	net.Conn
	n atomic.Int64
}

func (c *countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.n.Add(int64(n))
	return n, err
}

func (c *countingConn) received() int64 { return c.n.Load() }
