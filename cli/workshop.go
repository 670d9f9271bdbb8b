package cli

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"

	"kmslab/awsops"
	"kmslab/steps"
	"kmslab/ui"
	"kmslab/workshop"
)

// passphraseEnv keeps the workshop passphrase out of ps.
const passphraseEnv = "KMSLAB_WORKSHOP_PASSPHRASE"

type workshopFlags struct {
	addr           string
	passphrase     string
	authorizedKeys string
	maxSessions    int
	idleTimeout    time.Duration
	quiet          bool
	cpuProfile     string // for bench -workshop -cpuprofile
	// refused: the workshop runs offline only.
	aws, profile, endpointURL string
}

func newWorkshopCmd(g *globals) *cobra.Command {
	f := &workshopFlags{}
	cmd := &cobra.Command{
		Use:   "workshop",
		Short: "Serve the walkthrough to a whole room over SSH",
		Long: `workshop serves the walkthrough over SSH, for a meetup room: every attendee
types ssh -p 2222 and the presenter's address, and gets their own offline AWS (their own
account id, keys and clock) and their own run of the lab, at their terminal's size and
colors. Nothing is shared between attendees, and a session gives no shell and no file
access: copy goes to the attendee's clipboard (OSC 52), experiment 9 edits in the
built-in editor, and real AWS is never used.

Attendees choose the lab on their welcome screen, unless --lab fixes it for the room.
The terminal that started it shows the room: how many are connected, how far they got
in each lab, and how they predicted each experiment. Ctrl-C asks, then ends every session with a
goodbye. The host key is made on first start in the state directory and reused.`,
		Example: `# open to anyone on the network, on port 2222
kmslab workshop
# ask for a passphrase; every attendee sees the same ids
KMSLAB_WORKSHOP_PASSPHRASE=kms-meetup kmslab workshop --seed 1
# only these keys; log lines instead of the dashboard
kmslab workshop --authorized-keys room_keys --quiet
# everyone walks the envelope lab
kmslab workshop --lab envelope`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			g.seeded = cmd.Flags().Changed("seed")
			g.labFixed = cmd.Flags().Changed("lab")
			if cmd.Flags().Changed("aws") || f.profile != "" || f.endpointURL != "" {
				return errors.New("kmslab workshop runs only the offline AWS, so that no attendee acts on an AWS account: drop --aws, --profile and --endpoint-url")
			}
			if f.passphrase == "" {
				f.passphrase = os.Getenv(passphraseEnv)
			}
			if f.passphrase != "" && f.authorizedKeys != "" {
				return errors.New("kmslab workshop takes --passphrase or --authorized-keys, not both: choose one way in")
			}
			return runWorkshop(cmd.Context(), cmd.OutOrStdout(), g, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.addr, "addr", workshop.DefaultAddr, "listen address; 0.0.0.0 is every interface")
	fl.StringVar(&f.passphrase, "passphrase", "", "ask attendees for this passphrase; ps shows\nflags, so prefer $"+passphraseEnv)
	fl.StringVar(&f.authorizedKeys, "authorized-keys", "", "let in only the keys of this authorized_keys file")
	fl.IntVar(&f.maxSessions, "max-sessions", workshop.DefaultMaxSessions, "sessions at once; more are told the room is full")
	fl.DurationVar(&f.idleTimeout, "idle-timeout", workshop.DefaultIdleTimeout, "end a session after this long without a key")
	fl.BoolVar(&f.quiet, "quiet", false, "log lines instead of the dashboard (headless hosts)")
	g.addFlags(cmd, flagRegion, flagSeed, flagStateDir, flagLab)
	fl.StringVar(&f.aws, "aws", "", "")
	fl.StringVar(&f.profile, "profile", "", "")
	fl.StringVar(&f.endpointURL, "endpoint-url", "", "")
	fl.StringVar(&f.cpuProfile, "cpuprofile", "", "write a CPU profile of the workshop to this file")
	_ = fl.MarkHidden("cpuprofile") // a tool for bench, not for presenters
	fl.Lookup("aws").NoOptDefVal = "true"
	for _, n := range []string{"aws", "profile", "endpoint-url"} {
		_ = fl.MarkHidden(n) // accepted only to be refused in one sentence
	}
	cmd.Flags().SortFlags = false
	return cmd
}

// runWorkshop serves the room until the presenter ends it.
func runWorkshop(ctx context.Context, out io.Writer, g *globals, f *workshopFlags) error {
	dir, err := stateDir(g.stateDir)
	if err != nil {
		return err
	}
	ctx = context.WithoutCancel(ctx) // Ctrl-C asks first; it does not end the room by itself
	var logLine func(string)
	if f.quiet || !isTerminal(out) || !isTerminal(os.Stdin) {
		logLine = func(s string) { fmt.Fprintln(out, time.Now().Format("15:04:05")+" "+s) }
	}
	labs, err := g.workshopLabs()
	if err != nil {
		return err
	}
	room := workshop.NewRoom(labs, logLine)
	srv, err := workshop.New(workshopConfig(g, f, dir, room))
	if err != nil {
		return err
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", f.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (another program may use the port: try --addr with another one)", f.addr, err)
	}
	ifaces, _ := net.InterfaceAddrs()
	where := workshop.Describe(ln.Addr(), ifaces)
	fmt.Fprintln(out, "kmslab workshop "+where.Sentence())
	fmt.Fprintln(out, "Attendees type: "+where.Command())
	tuneGC(f.maxSessions)
	stopProfile, err := startCPUProfile(f.cpuProfile)
	if err != nil {
		_ = ln.Close()
		return err
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	if logLine != nil {
		err = waitQuiet(out, srv, served, sigs)
	} else {
		err = runDashboard(ctx, room, where, served, sigs)
	}
	stopProfile()
	n := srv.Active()
	if n > 0 {
		fmt.Fprintf(out, "Ending %d session(s)…\n", n)
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if serr := srv.Shutdown(sctx); serr != nil && !errors.Is(serr, context.DeadlineExceeded) {
		err = errors.Join(err, serr)
	}
	fmt.Fprintln(out, "The workshop has ended.")
	return err
}

// sessionMemory is what the workshop lets each of --max-sessions use, on top
// of baseMemory for the process, before the garbage collector works harder
// to stay under it: issue 24's budget is 15 MB per session, and a session
// needs about 7 MiB.
const (
	sessionMemory = 12 << 20
	baseMemory    = 64 << 20
)

// tuneGC trades the memory a room leaves unused for CPU, which is what its
// latency is made of (everyone presses Enter at once): the collector runs a
// third as often (GOGC 200: bench -workshop 50 measured about a tenth less
// CPU, RSS per session about 7 -> 10 MiB), and a soft limit of sessionMemory
// per session (and baseMemory) keeps the whole within the budget. GOGC or
// GOMEMLIMIT in the environment win.
func tuneGC(maxSessions int) {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(baseMemory + int64(max(maxSessions, 1))*sessionMemory)
	}
}

// workshopConfig is the server's configuration from the flags; every
// attendee's lab is opened by openAttendeeLab.
func workshopConfig(g *globals, f *workshopFlags, dir string, room *workshop.Room) workshop.Config {
	return workshop.Config{
		HostKeyPath:    filepath.Join(dir, workshop.HostKeyFile),
		Passphrase:     f.passphrase,
		AuthorizedKeys: f.authorizedKeys,
		MaxSessions:    f.maxSessions,
		IdleTimeout:    f.idleTimeout,
		Room:           room,
		Open: func(ctx context.Context, _ workshop.Attendee) (workshop.Lab, error) {
			return openAttendeeLab(ctx, g)
		},
	}
}

// runDashboard shows the room until the presenter confirms the end (or
// SIGTERM, or the server stops by itself).
func runDashboard(ctx context.Context, room *workshop.Room, where workshop.Listening, served <-chan error, sigs <-chan os.Signal) error {
	p := tea.NewProgram(workshop.NewDashboard(ctx, room, where), tea.WithContext(ctx))
	go func() {
		select {
		case err := <-served:
			p.Send(workshop.Stopped(err))
		case s := <-sigs:
			if s == syscall.SIGTERM {
				p.Send(workshop.Stopped(nil))
			}
		}
	}()
	final, err := p.Run()
	if err != nil && !errors.Is(err, tea.ErrProgramKilled) {
		return fmt.Errorf("dashboard: %w", err)
	}
	if d, ok := final.(workshop.Dashboard); ok && d.Failure() != nil {
		return fmt.Errorf("the SSH server stopped: %w", d.Failure())
	}
	return nil
}

// waitQuiet is --quiet's Ctrl-C: the first asks (a second within 10 s ends
// the workshop), SIGTERM ends it at once.
func waitQuiet(out io.Writer, srv *workshop.Server, served <-chan error, sigs <-chan os.Signal) error {
	var asked time.Time
	for {
		select {
		case err := <-served:
			if err != nil {
				return fmt.Errorf("the SSH server stopped: %w", err)
			}
			return nil
		case s := <-sigs:
			if s == syscall.SIGTERM || srv.Active() == 0 || time.Since(asked) < 10*time.Second {
				return nil
			}
			asked = time.Now()
			fmt.Fprintf(out, "%d attendee(s) connected: press Ctrl-C again within 10 s to end the workshop for everyone.\n", srv.Active())
		}
	}
}

// openAttendeeLab starts one attendee's own offline AWS (its own account id,
// unless --seed asks every session to show the same ids) and the
// walkthrough's options for it.
func openAttendeeLab(ctx context.Context, g *globals) (workshop.Lab, error) {
	account := ""
	if !g.seeded {
		account = randomAccountID()
	}
	sess, err := openOffline(ctx, g, account)
	if err != nil {
		return workshop.Lab{}, err
	}
	feed := ui.NewProgressFeed()
	closeAll := func() {
		sess.Close()
		// The walkthrough listens for progress until it hears some: this
		// last report lets that listener return.
		feed.Report(awsops.Progress{})
	}
	lab, err := newLab(sess, g, feed.Report)
	if err != nil {
		closeAll()
		return workshop.Lab{}, err
	}
	id, err := whoAmI(ctx, lab)
	if err != nil {
		closeAll()
		return workshop.Lab{}, err
	}
	labs, err := g.workshopLabs()
	if err != nil {
		closeAll()
		return workshop.Lab{}, err
	}
	opts := ui.Options{Course: labs[0], Labs: labs, FixedLab: len(labs) == 1, Lab: lab, Identity: id, Mode: ui.Offline, Progress: feed,
		Extras: simExtras{sess.srv}}
	return workshop.Lab{Options: opts, Close: closeAll}, nil
}

// workshopLabs are the labs attendees choose from: every lab, or the one
// --lab fixes for the room (its summary then starts no other).
func (g *globals) workshopLabs() ([]steps.Lab, error) {
	course, err := g.course()
	if err != nil {
		return nil, err
	}
	if g.labFixed {
		return []steps.Lab{course}, nil
	}
	return steps.Labs(), nil
}

// randomAccountID is a 12-digit account id of its own for each attendee.
func randomAccountID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	for i := range b {
		b[i] = '0' + b[i]%10
	}
	if b[0] == '0' {
		b[0] = '1' // AWS account ids may start with 0, but a leading 1 reads as a number everywhere
	}
	return string(b)
}
