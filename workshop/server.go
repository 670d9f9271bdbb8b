// Package workshop serves the kmslab walkthrough to a whole room over SSH
// (charm.land/wish/v2 and its Bubble Tea middleware): every SSH session gets
// its own offline AWS and its own run of the lab, and the presenter's
// terminal shows the room (dashboard.go). It knows nothing of how a lab is
// built: Config.Open does that (cli/workshop.go).
package workshop

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/log/v2"
	"charm.land/ssh"
	"charm.land/wish/v2"
	bm "charm.land/wish/v2/bubbletea"
	gossh "golang.org/x/crypto/ssh"

	"kmslab/ui"
)

// Defaults of the command's flags.
const (
	DefaultAddr        = "0.0.0.0:2222"
	DefaultMaxSessions = 100
	DefaultIdleTimeout = 30 * time.Minute
	// HostKeyFile is the host key's name in the state directory.
	HostKeyFile = "workshop_ed25519"
)

// The largest terminal a session is drawn for. A client may claim any
// size (10000x10000 is 10^8 cells); the screen is drawn for at most this
// and the rest of the window stays blank.
const (
	maxCols = 400
	maxRows = 200
)

// DefaultResizeSettle is how long a session waits for a burst of window
// changes to end before it draws again: a client sending thousands of them
// gets a handful of redraws, and other sessions keep their share of the CPU.
const DefaultResizeSettle = 50 * time.Millisecond

// Attendee is who a session is for.
type Attendee struct {
	ID   int    // in the room
	User string // the SSH user name, as the attendee typed it
}

// Lab is one attendee's lab: what the walkthrough runs with and how to
// release it (its offline AWS) when the session ends.
type Lab struct {
	Options ui.Options
	Close   func()
}

// Config configures a workshop server.
type Config struct {
	// HostKeyPath is the host key's file; it is generated (ed25519, 0600)
	// on first start and reused after, so attendees' known_hosts stay valid.
	HostKeyPath string
	// Passphrase, when set, is asked by keyboard-interactive authentication.
	Passphrase string
	// AuthorizedKeys, when set, is an authorized_keys file: only its keys get in.
	AuthorizedKeys string
	MaxSessions    int           // default DefaultMaxSessions
	IdleTimeout    time.Duration // default DefaultIdleTimeout; a session without a key press this long ends
	ResizeSettle   time.Duration // default DefaultResizeSettle
	// Open builds an attendee's lab. ctx ends with the session.
	Open func(ctx context.Context, a Attendee) (Lab, error)
	Room *Room
}

// Server is a running workshop.
type Server struct {
	cfg  Config
	ssh  *ssh.Server
	room *Room

	mu       sync.Mutex
	active   int
	closing  bool
	sessions map[int]*session
	wg       sync.WaitGroup                    // one per session handler
	after    func(time.Duration, func()) timer // the idle timeout's timers
}

// session is one attendee's running walkthrough.
type session struct {
	program *tea.Program
	ended   chan struct{} // closed when the program has returned
	why     string        // set when the host ends it: what to tell the attendee
}

// New prepares a workshop server; Serve starts it.
func New(cfg Config) (*Server, error) {
	if cfg.MaxSessions <= 0 {
		cfg.MaxSessions = DefaultMaxSessions
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.ResizeSettle <= 0 {
		cfg.ResizeSettle = DefaultResizeSettle
	}
	if cfg.Open == nil || cfg.Room == nil {
		return nil, errors.New("workshop: Config.Open and Config.Room are required")
	}
	if cfg.HostKeyPath == "" {
		return nil, errors.New("workshop: Config.HostKeyPath is required")
	}
	if err := os.MkdirAll(filepath.Dir(cfg.HostKeyPath), 0o700); err != nil {
		return nil, fmt.Errorf("create the state directory for the host key: %w", err)
	}
	// wish's middleware logs a session's program errors (a client gone
	// mid-frame) with charm's default logger: on the presenter's terminal,
	// under the dashboard. The room says what matters.
	log.SetOutput(io.Discard)
	s := &Server{cfg: cfg, room: cfg.Room, sessions: map[int]*session{}, after: realAfter}
	opts := []ssh.Option{
		wish.WithHostKeyPath(cfg.HostKeyPath),
		// A session that stopped reading (its window full) or vanished
		// without a FIN is let go a little after the idle timeout that
		// the walkthrough itself enforces with a goodbye.
		wish.WithIdleTimeout(cfg.IdleTimeout + time.Minute),
		func(srv *ssh.Server) error {
			srv.Handler = s.handle
			// Port forwarding (local and remote) is refused: the callbacks stay
			// nil, and only session channels are served.
			srv.ChannelHandlers = map[string]ssh.ChannelHandler{"session": refuseAgentAndX11}
			srv.RequestHandlers = map[string]ssh.RequestHandler{}
			srv.SubsystemHandlers = map[string]ssh.SubsystemHandler{}
			srv.Version = "kmslab-workshop"
			return nil
		},
	}
	switch {
	case cfg.AuthorizedKeys != "":
		opts = append(opts, wish.WithAuthorizedKeys(cfg.AuthorizedKeys))
	case cfg.Passphrase != "":
		opts = append(opts, wish.WithKeyboardInteractiveAuth(s.askPassphrase))
	}
	srv, err := wish.NewServer(opts...)
	if err != nil {
		return nil, fmt.Errorf("set up the SSH server: %w", err)
	}
	s.ssh = srv
	if err := os.Chmod(cfg.HostKeyPath, 0o600); err != nil {
		return nil, fmt.Errorf("protect the host key: %w", err)
	}
	return s, nil
}

// askPassphrase is keyboard-interactive authentication against the workshop's passphrase.
func (s *Server) askPassphrase(_ ssh.Context, challenge gossh.KeyboardInteractiveChallenge) bool {
	answers, err := challenge("", "Ask the presenter for the workshop passphrase.", []string{"Workshop passphrase: "}, []bool{false})
	if err != nil || len(answers) != 1 {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(answers[0]), []byte(s.cfg.Passphrase)) == 1
}

// Serve accepts attendees on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error {
	err := s.ssh.Serve(ln)
	if errors.Is(err, ssh.ErrServerClosed) {
		return nil
	}
	return err
}

// Active is the number of sessions running now.
func (s *Server) Active() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.active
}

// Goodbye is what every attendee reads when the presenter ends the workshop.
const Goodbye = "the presenter ended the workshop. Thank you for coming!"

// Shutdown stops accepting, tells every attendee goodbye and ends their
// sessions, waiting for them until ctx ends; then it closes what remains
// (a client that stopped reading cannot be told anything).
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closing = true
	for _, sess := range s.sessions {
		sess.why = Goodbye
		// Quit waits for the program to take the message, which a program
		// stuck writing to a client that reads nothing never does: each
		// waits on its own, and gives up when its session ends.
		go sess.program.Quit()
	}
	s.mu.Unlock()
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		err = ctx.Err()
	}
	// Close (not Shutdown): the sessions are over or beyond waiting for.
	if cerr := s.ssh.Close(); cerr != nil && !errors.Is(cerr, ssh.ErrServerClosed) {
		err = errors.Join(err, cerr)
	}
	if err != nil {
		<-done // the handlers end once their connections are closed
	}
	return err
}

// refusal ends a session it will not serve with one sentence that says why.
func refusal(sess ssh.Session, sentence string) {
	_, _ = fmt.Fprintln(sess.Stderr(), "kmslab workshop: "+sentence)
	_ = sess.Exit(1)
}

// acquire takes one of the MaxSessions places, or says why there is none.
func (s *Server) acquire() (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.closing:
		return "the workshop is ending, so it takes no one new.", false
	case s.active >= s.cfg.MaxSessions:
		return fmt.Sprintf("the room is full (%d sessions), so try again when someone leaves or ask the presenter to raise --max-sessions.", s.cfg.MaxSessions), false
	}
	s.active++
	s.wg.Add(1)
	return "", true
}

func (s *Server) release(id int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.active--
	delete(s.sessions, id)
	s.wg.Done()
}

// handle runs one SSH session: it refuses what a workshop session must not
// be (a command, a session without a terminal, one too many), builds the
// attendee's own lab and runs the walkthrough through wish's Bubble Tea
// middleware.
func (s *Server) handle(sess ssh.Session) {
	if sess.RawCommand() != "" || sess.Subsystem() != "" {
		refusal(sess, "it runs no commands and gives no shell, so connect with a plain ssh -p PORT HOST and nothing after it.")
		return
	}
	pty, _, ok := sess.Pty()
	if !ok {
		refusal(sess, "the lab needs a terminal, so connect with ssh -t -p PORT HOST from a terminal.")
		return
	}
	if why, ok := s.acquire(); !ok {
		refusal(sess, why)
		return
	}
	id := s.room.Join(sess.User())
	defer s.release(id)
	defer s.room.Leave(id)

	ctx, cancel := context.WithCancel(sess.Context())
	defer cancel()
	lab, err := s.cfg.Open(ctx, Attendee{ID: id, User: sess.User()})
	if err != nil {
		refusal(sess, "your lab could not start ("+err.Error()+"), so tell the presenter.")
		return
	}
	defer lab.Close()
	opts := lab.Options
	opts.Context = ctx
	opts.Remote = true
	opts.OnEvent = func(e ui.Event) { s.room.Record(id, e) }
	w, h := clampSize(pty.Window.Width, pty.Window.Height)
	opts.Width, opts.Height = w, h

	idle := newIdleTimer(s.cfg.IdleTimeout, s.after)
	defer idle.stop()
	rs := &resizer{settle: s.cfg.ResizeSettle}
	var started sync.Once
	popts := append(bm.MakeOptions(sess),
		tea.WithContext(ctx),
		// The host's Ctrl-C is the presenter's, not every attendee's.
		tea.WithoutSignalHandler(),
		tea.WithWindowSize(w, h),
		tea.WithFilter(func(_ tea.Model, msg tea.Msg) tea.Msg {
			// The program runs: wish has read the PTY, window changes may come.
			started.Do(func() { _, _ = sess.SendRequest(readyRequest, false, nil) })
			return rs.filter(idle.filter(msg))
		}))
	p := tea.NewProgram(ui.New(opts), popts...)
	rs.send = p.Send
	me := &session{program: p, ended: make(chan struct{})}
	s.mu.Lock()
	s.sessions[id] = me
	closing := s.closing
	s.mu.Unlock()
	if closing {
		refusal(sess, "the workshop is ending, so it takes no one new.")
		return
	}
	idle.onIdle = func() {
		s.mu.Lock()
		me.why = fmt.Sprintf("no key was pressed for %s, so your session ended to make room; ssh in again to start over.", s.cfg.IdleTimeout)
		s.mu.Unlock()
		p.Quit()
	}
	idle.reset()

	bm.MiddlewareWithProgramHandler(func(ssh.Session) *tea.Program { return p })(func(ssh.Session) {})(sess)
	close(me.ended)
	s.mu.Lock()
	why := me.why
	s.mu.Unlock()
	if why != "" {
		_, _ = fmt.Fprintln(sess, "\nkmslab workshop: "+why)
	}
}

// clampSize is the size a session is drawn at: what the client says, within
// 1..maxCols x 1..maxRows (a 0x0 window is drawn as 1x1: the walkthrough
// then asks for a bigger terminal).
func clampSize(w, h int) (int, int) {
	return min(max(w, 1), maxCols), min(max(h, 1), maxRows)
}

// resizer turns a burst of window changes into one redraw after the burst:
// the first size goes through at once, later ones wait settle and only
// the latest is drawn.
type resizer struct {
	settle  time.Duration
	mu      sync.Mutex
	send    func(tea.Msg)
	pending *tea.WindowSizeMsg
	last    time.Time
	timer   *time.Timer
}

// settledMsg carries the size a burst of window changes settled on.
type settledMsg struct{ tea.WindowSizeMsg }

func (r *resizer) filter(msg tea.Msg) tea.Msg {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		msg.Width, msg.Height = clampSize(msg.Width, msg.Height)
		r.mu.Lock()
		defer r.mu.Unlock()
		now := time.Now()
		if r.pending == nil && now.Sub(r.last) >= r.settle {
			r.last = now
			return msg
		}
		first := r.pending == nil
		r.pending = &msg
		if first && r.send != nil {
			r.timer = time.AfterFunc(r.settle, r.flush)
		}
		return nil
	case settledMsg:
		return msg.WindowSizeMsg
	case tea.SuspendMsg:
		return tea.ResumeMsg{} // there is no shell to suspend to
	}
	return msg
}

func (r *resizer) flush() {
	r.mu.Lock()
	m := r.pending
	r.pending = nil
	r.last = time.Now()
	r.mu.Unlock()
	if m != nil {
		go r.send(settledMsg{*m}) // Send blocks until the program reads it, or it has ended
	}
}

// idleTimer ends a session no key reached for the idle timeout.
type idleTimer struct {
	mu     sync.Mutex
	d      time.Duration
	after  func(time.Duration, func()) timer
	t      timer
	onIdle func()
}

// timer is what idleTimer needs of a *time.Timer (tests give a hand-fired one).
type timer interface {
	Reset(time.Duration) bool
	Stop() bool
}

func realAfter(d time.Duration, f func()) timer { return time.AfterFunc(d, f) }

func newIdleTimer(d time.Duration, after func(time.Duration, func()) timer) *idleTimer {
	return &idleTimer{d: d, after: after}
}

func (it *idleTimer) reset() {
	it.mu.Lock()
	defer it.mu.Unlock()
	if it.t == nil {
		it.t = it.after(it.d, func() {
			if it.onIdle != nil {
				it.onIdle()
			}
		})
		return
	}
	it.t.Reset(it.d)
}

func (it *idleTimer) stop() {
	it.mu.Lock()
	defer it.mu.Unlock()
	if it.t != nil {
		it.t.Stop()
	}
}

// filter notes the attendee's keys (and pastes, clicks) as activity.
func (it *idleTimer) filter(msg tea.Msg) tea.Msg {
	switch msg.(type) {
	case tea.KeyPressMsg, tea.PasteMsg, tea.MouseClickMsg, tea.MouseWheelMsg:
		it.reset()
	}
	return msg
}

// refuseAgentAndX11 serves session channels, answering no to agent and X11
// forwarding: charm.land/ssh says yes to an agent request (and would never
// use it), which tells the attendee's client their agent is reachable here.
// It also keeps a stuck session from stalling its connection (filterRequests).
func refuseAgentAndX11(srv *ssh.Server, conn *gossh.ServerConn, newChan gossh.NewChannel, ctx ssh.Context) {
	ssh.DefaultSessionHandler(srv, conn, filteredChannel{newChan}, ctx)
}

type filteredChannel struct{ gossh.NewChannel }

func (c filteredChannel) Accept() (gossh.Channel, <-chan *gossh.Request, error) {
	ch, reqs, err := c.NewChannel.Accept()
	if err != nil {
		return ch, reqs, err
	}
	out := make(chan *gossh.Request)
	g := &gatedChannel{Channel: ch, ready: make(chan struct{})}
	go filterRequests(reqs, out, g.ready)
	return g, out, nil
}

// readyRequest is never sent to the client: the session handler "sends" it
// once wish has read the PTY, to let window changes through. charm.land/ssh
// stores a window change into the PTY it hands out without a lock, so one
// arriving while the session starts would race with wish reading the size.
const readyRequest = "kmslab-ready@workshop"

// gatedChannel is a session's channel; charm.land/ssh's session embeds it,
// so the handler reaches SendRequest through the ssh.Session.
type gatedChannel struct {
	gossh.Channel
	once  sync.Once
	ready chan struct{}
}

func (g *gatedChannel) SendRequest(name string, wantReply bool, payload []byte) (bool, error) {
	if name == readyRequest {
		g.once.Do(func() { close(g.ready) })
		return true, nil
	}
	return g.Channel.SendRequest(name, wantReply, payload)
}

// maxQueued bounds the requests a session has not taken yet.
const maxQueued = 32

// filterRequests passes a session's requests on, never blocking the
// connection's reader: golang.org/x/crypto/ssh delivers every request of a
// connection from one loop, so a session that stops taking them (its
// program stuck writing to a client that reads nothing takes no window
// change) would stop that loop, and with it the notice that the connection
// closed. Window changes are folded into the latest, and held until ready
// is closed; beyond maxQueued others, a request is refused.
func filterRequests(in <-chan *gossh.Request, out chan<- *gossh.Request, ready <-chan struct{}) {
	defer close(out)
	var queue []*gossh.Request
	var window *gossh.Request // the latest window change not yet taken
	for in != nil || len(queue) > 0 || window != nil {
		var next *gossh.Request
		switch {
		case len(queue) > 0:
			next = queue[0]
		case window != nil && isClosed(ready):
			next = window
		case window != nil && in == nil:
			return // the session never started: nobody will take it
		}
		var send chan<- *gossh.Request
		if next != nil {
			send = out
		}
		select {
		case req, ok := <-in:
			if !ok {
				in = nil
				if next == nil {
					return
				}
				continue
			}
			switch req.Type {
			case "auth-agent-req@openssh.com", "x11-req":
				reply(req, false)
			case "window-change":
				if window != nil {
					reply(window, true) // folded into the newer one
				}
				window = req
			default:
				if len(queue) >= maxQueued {
					reply(req, false)
					continue
				}
				queue = append(queue, req)
			}
		case <-readyWait(ready, window != nil && next == nil):
			// ready now: the held window change goes on the next turn
			ready = closedChan
		case send <- next:
			if len(queue) > 0 && queue[0] == next {
				queue = queue[1:]
			} else {
				window = nil
			}
		}
	}
}

var closedChan = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

func isClosed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// readyWait is ready while a held window change waits for it, else nil (a
// case that never fires).
func readyWait(ready <-chan struct{}, waiting bool) <-chan struct{} {
	if waiting {
		return ready
	}
	return nil
}

func reply(req *gossh.Request, ok bool) {
	if req.WantReply {
		_ = req.Reply(ok, nil)
	}
}
