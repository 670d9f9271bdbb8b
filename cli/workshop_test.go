package cli

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"kmslab/awsops"
	"kmslab/internal/sshwalk"
	"kmslab/steps"
	"kmslab/workshop"
)

// roomServer is a running kmslab workshop, as the command builds it, on a
// loopback port.
type roomServer struct {
	srv    *workshop.Server
	room   *workshop.Room
	addr   string
	opened atomic.Int32 // labs opened
	closed atomic.Int32 // labs closed
	mu     sync.Mutex
	ids    []string // each lab's account id, run id and key alias, in order of opening
}

// startRoom starts the workshop with f's flags (zero values take the
// command's defaults); wrap, when set, may change each attendee's lab.
func startRoom(t *testing.T, f workshopFlags, wrap func(*workshop.Lab)) *roomServer {
	return startRoomWith(t, &globals{}, f, wrap, nil)
}

// startRoomWith is startRoom with the shared flags and a last say on the
// server's configuration.
func startRoomWith(t *testing.T, g *globals, f workshopFlags, wrap func(*workshop.Lab), tune func(*workshop.Config)) *roomServer {
	t.Helper()
	if f.maxSessions == 0 {
		f.maxSessions = workshop.DefaultMaxSessions
	}
	if f.idleTimeout == 0 {
		f.idleTimeout = workshop.DefaultIdleTimeout
	}
	labs, err := g.workshopLabs()
	if err != nil {
		t.Fatal(err)
	}
	rs := &roomServer{room: workshop.NewRoom(labs, nil)}
	cfg := workshopConfig(g, &f, t.TempDir(), rs.room)
	open := cfg.Open
	cfg.Open = func(ctx context.Context, a workshop.Attendee) (workshop.Lab, error) {
		lab, err := open(ctx, a)
		if err != nil {
			return lab, err
		}
		rs.opened.Add(1)
		rs.mu.Lock()
		rs.ids = append(rs.ids, lab.Options.Identity.Account+" "+lab.Options.Lab.Names().RunID+" "+lab.Options.Lab.Names().Alias)
		rs.mu.Unlock()
		inner := lab.Close
		lab.Close = func() { inner(); rs.closed.Add(1) }
		if wrap != nil {
			wrap(&lab)
		}
		return lab, nil
	}
	if tune != nil {
		tune(&cfg)
	}
	srv, err := workshop.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	rs.srv, rs.addr = srv, ln.Addr().String()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return rs
}

// attend connects as user with a cols x rows terminal.
func (rs *roomServer) attend(t *testing.T, user string, cols, rows int, auth ...gossh.AuthMethod) *sshwalk.Term {
	t.Helper()
	c, err := sshwalk.Dial(rs.addr, user, auth...)
	if err != nil {
		t.Fatalf("%s: dial: %v", user, err)
	}
	term, err := sshwalk.Open(c, cols, rows)
	if err != nil {
		t.Fatalf("%s: open: %v", user, err)
	}
	t.Cleanup(term.Close)
	return term
}

func waitCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestWorkshopTwoAttendeesIsolated walks two attendees to part 5 at
// different terminal sizes: each gets the denial in their own account, drawn
// at their own size, and the dashboard counts them.
func TestWorkshopTwoAttendeesIsolated(t *testing.T) {
	t.Parallel()
	rs := startRoom(t, workshopFlags{}, nil)
	sizes := map[string][2]int{"ada": {80, 24}, "grace": {120, 40}}
	terms := map[string]*sshwalk.Term{}
	for user, sz := range sizes {
		terms[user] = rs.attend(t, user, sz[0], sz[1])
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(terms))
	for user, term := range terms {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := waitCtx(t)
			if err := term.WaitWelcome(ctx); err != nil {
				errs <- errors.New(user + ": " + err.Error())
				return
			}
			if _, err := term.WalkTo(ctx, 5); err != nil {
				errs <- errors.New(user + ": " + err.Error())
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for user, term := range terms {
		screen := term.Text()
		if !strings.Contains(screen, sshwalk.DeniedBanner) {
			t.Errorf("%s: part 5 shows no denial:\n%s", user, screen)
		}
		// Drawn at the attendee's own width: the header's rule spans it.
		wantW := sizes[user][0]
		if rule := strings.Repeat("─", wantW); !strings.Contains(screen, rule) || strings.Contains(screen, rule+"─") {
			t.Errorf("%s: not drawn %d columns wide:\n%s", user, wantW, screen)
		}
	}
	rs.mu.Lock()
	ids := append([]string(nil), rs.ids...)
	rs.mu.Unlock()
	if len(ids) != 2 || strings.Fields(ids[0])[0] == strings.Fields(ids[1])[0] || ids[0] == ids[1] {
		t.Errorf("labs %v: want two accounts and runs of their own", ids)
	}
	s := rs.room.Snapshot()
	if s.Connected != 2 || s.Joined != 2 {
		t.Errorf("connected %d, joined %d; want 2 and 2", s.Connected, s.Joined)
	}
	for i, c := range s.Labs[0].Reached {
		want := 0
		if i < 5 {
			want = 2 // parts 1 to 5
		}
		if c.N != want {
			t.Errorf("%s reached by %d, want %d", c.Label, c.N, want)
		}
	}
}

// TestWorkshopDisconnectMidStep: an attendee who leaves while a step runs
// leaves nothing behind: the step's context ends, their offline AWS is
// closed, and no goroutine of the session remains.
func TestWorkshopDisconnectMidStep(t *testing.T) {
	t.Parallel()
	// Not parallel: it counts the process's goroutines.
	started := make(chan struct{})
	stepEnded := make(chan struct{})
	rs := startRoom(t, workshopFlags{}, func(lab *workshop.Lab) {
		// Part 2 waits for its context: the disconnect lands mid-step.
		st := append([]steps.Step(nil), lab.Options.Course.Steps...)
		st[1].Run = func(ctx context.Context, _ *awsops.Lab) steps.Outcome {
			close(started)
			<-ctx.Done()
			close(stepEnded)
			return steps.Outcome{Status: steps.Failed, Err: ctx.Err()}
		}
		lab.Options.Course.Steps = st
	})
	before := runtime.NumGoroutine()
	c, err := sshwalk.Dial(rs.addr, "leaver")
	if err != nil {
		t.Fatal(err)
	}
	term, err := sshwalk.Open(c, 100, 30)
	if err != nil {
		t.Fatal(err)
	}
	ctx := waitCtx(t)
	if err := term.WaitWelcome(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := term.WalkTo(ctx, 1); err != nil {
		t.Fatal(err)
	}
	_ = term.Send("\r") // on to part 2
	if _, err := term.WaitFor(ctx, sshwalk.RunHint(2)); err != nil {
		t.Fatal(err)
	}
	_ = term.Send("\r") // run it
	select {
	case <-started:
	case <-ctx.Done():
		t.Fatal("part 2 never started")
	}
	term.Close()
	for _, w := range []struct {
		what string
		done func() bool
	}{
		{"the step's context to end", func() bool {
			select {
			case <-stepEnded:
				return true
			default:
				return false
			}
		}},
		{"the session to end", func() bool { return rs.srv.Active() == 0 }},
		{"the lab to be closed", func() bool { return rs.closed.Load() == rs.opened.Load() }},
		{"the goroutines to end", func() bool { return runtime.NumGoroutine() <= before }},
	} {
		deadline := time.Now().Add(15 * time.Second)
		for !w.done() {
			if time.Now().After(deadline) {
				buf := make([]byte, 1<<20)
				t.Fatalf("timed out waiting for %s (goroutines %d, before %d):\n%s", w.what, runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	if s := rs.room.Snapshot(); s.Connected != 0 || s.Joined != 1 {
		t.Errorf("room: connected %d, joined %d", s.Connected, s.Joined)
	}
}

// TestWorkshopPassphrase: with --passphrase, keyboard-interactive lets in
// the right passphrase only.
func TestWorkshopPassphrase(t *testing.T) {
	t.Parallel()
	rs := startRoom(t, workshopFlags{passphrase: "kms-meetup"}, nil)
	answer := func(p string) gossh.AuthMethod {
		return gossh.KeyboardInteractive(func(_, instruction string, questions []string, _ []bool) ([]string, error) {
			if len(questions) != 1 || !strings.Contains(instruction, "passphrase") {
				return nil, errors.New("unexpected challenge")
			}
			return []string{p}, nil
		})
	}
	if _, err := sshwalk.Dial(rs.addr, "mallory", answer("guess")); err == nil {
		t.Fatal("a wrong passphrase got in")
	}
	if _, err := sshwalk.Dial(rs.addr, "mallory"); err == nil {
		t.Fatal("no passphrase got in")
	}
	term := rs.attend(t, "ada", 80, 24, answer("kms-meetup"))
	if err := term.WaitWelcome(waitCtx(t)); err != nil {
		t.Fatal(err)
	}
}

// TestWorkshopAuthorizedKeys: with --authorized-keys, only the listed keys get in.
func TestWorkshopAuthorizedKeys(t *testing.T) {
	t.Parallel()
	signer := func() gossh.Signer {
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		s, err := gossh.NewSignerFromKey(priv)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	listed, other := signer(), signer()
	file := filepath.Join(t.TempDir(), "authorized_keys")
	if err := os.WriteFile(file, gossh.MarshalAuthorizedKey(listed.PublicKey()), 0o600); err != nil {
		t.Fatal(err)
	}
	rs := startRoom(t, workshopFlags{authorizedKeys: file}, nil)
	if _, err := sshwalk.Dial(rs.addr, "mallory", gossh.PublicKeys(other)); err == nil {
		t.Fatal("an unlisted key got in")
	}
	if _, err := sshwalk.Dial(rs.addr, "mallory", gossh.Password("")); err == nil {
		t.Fatal("a password got in")
	}
	term := rs.attend(t, "ada", 80, 24, gossh.PublicKeys(listed))
	if err := term.WaitWelcome(waitCtx(t)); err != nil {
		t.Fatal(err)
	}
}

// TestWorkshopMaxSessions: one session more than --max-sessions is told why
// in one sentence, and the room keeps working.
func TestWorkshopMaxSessions(t *testing.T) {
	t.Parallel()
	rs := startRoom(t, workshopFlags{maxSessions: 2}, nil)
	ctx := waitCtx(t)
	for _, u := range []string{"ada", "grace"} {
		if err := rs.attend(t, u, 80, 24).WaitWelcome(ctx); err != nil {
			t.Fatal(err)
		}
	}
	late := rs.attend(t, "late", 80, 24)
	select {
	case <-late.Ended():
	case <-ctx.Done():
		t.Fatal("the session beyond --max-sessions was not ended")
	}
	err := late.Session.Wait()
	var exit *gossh.ExitError
	if !errors.As(err, &exit) || exit.ExitStatus() != 1 {
		t.Errorf("exit: %v, want status 1", err)
	}
	msg := late.Stderr()
	if !strings.Contains(msg, "the room is full (2 sessions)") || strings.Count(strings.TrimSpace(msg), "\n") != 0 {
		t.Errorf("refusal %q: want one sentence saying the room is full", msg)
	}
	if s := rs.room.Snapshot(); s.Joined != 2 {
		t.Errorf("the refused session joined the room: %d joined", s.Joined)
	}
}

// TestWorkshopSeed: with --seed every session shows the same ids.
func TestWorkshopSeed(t *testing.T) {
	t.Parallel()
	rs := startRoomWith(t, &globals{seed: 7, seeded: true}, workshopFlags{}, nil, nil)
	ctx := waitCtx(t)
	for _, u := range []string{"ada", "grace"} {
		if err := rs.attend(t, u, 100, 30).WaitWelcome(ctx); err != nil {
			t.Fatal(err)
		}
	}
	rs.mu.Lock()
	ids := append([]string(nil), rs.ids...)
	rs.mu.Unlock()
	if len(ids) != 2 || ids[0] != ids[1] {
		t.Errorf("labs %v: want the same ids", ids)
	}
}

// TestWorkshopRefusesRealAWS: the workshop never runs against an AWS
// account, and says so in one sentence.
func TestWorkshopRefusesRealAWS(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"--aws"}, {"--profile", "dev"}, {"--endpoint-url", "http://127.0.0.1:4566"}} {
		_, err := runCLI(t, "", append([]string{"workshop", "--state-dir", t.TempDir(), "--addr", "127.0.0.1:0"}, args...)...)
		if err == nil || !strings.Contains(err.Error(), "runs only the offline AWS") {
			t.Errorf("%v: %v", args, err)
		}
	}
}

// TestWorkshopColorsFromPTY: each session draws with the colors its own
// terminal type has.
func TestWorkshopColorsFromPTY(t *testing.T) {
	t.Parallel()
	rs := startRoom(t, workshopFlags{}, nil)
	ctx := waitCtx(t)
	for _, tc := range []struct {
		term    string
		colored bool
	}{{"xterm-256color", true}, {"dumb", false}} {
		c, err := sshwalk.Dial(rs.addr, tc.term)
		if err != nil {
			t.Fatal(err)
		}
		term, err := sshwalk.OpenAs(c, tc.term, 100, 30)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(term.Close)
		if _, err := term.WalkTo(ctx, 1); err != nil {
			t.Fatal(err)
		}
		if term.Colored() != tc.colored {
			t.Errorf("TERM=%s: drawn in colors %v, want %v", tc.term, term.Colored(), tc.colored)
		}
	}
}
