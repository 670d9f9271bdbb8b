package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/netip"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"kmslab/awsops/ledger"
	"kmslab/sim"
	"kmslab/sim/audit"
)

type serveFlags struct {
	addr        string
	accountID   string
	accessKeyID string
	secret      string
	auditLog    string
	allowRemote bool
	keyCacheTTL time.Duration
	dataDir     string
	repair      bool
	auditMax    int
	realistic   string // --realistic's seed, "random" when given without one
}

func newServeCmd(g *globals) *cobra.Command {
	f := &serveFlags{}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the offline AWS to the AWS CLI and SDKs",
		Long: `serve runs kmslab's offline AWS as a standalone endpoint. It checks SigV4
signatures, IAM and KMS key policies, and encrypts DynamoDB items at rest, so the AWS CLI
and SDKs see the same AccessDenied a real account would give. Every region works: KMS
keys and DynamoDB tables belong to the region a request is signed for, IAM is global;
--region only sets the region printed below. With --data-dir the account survives a
restart, every acknowledged write on disk before its answer.

It prints the environment to point the AWS CLI at it. The admin's secret access key is
written to a file readable only by you and never printed.`,
		Example: `# then paste the export lines it prints into another shell
kmslab serve
# a fixed port, every call logged
kmslab serve --addr 127.0.0.1:4566 --audit-log audit.jsonl
# keep the account across restarts
kmslab serve --data-dir ~/.local/state/kmslab/account
# after "the data file ... is damaged"
kmslab serve --data-dir ~/.local/state/kmslab/account --repair
# as a real account behaves: late IAM changes, varied denials, throttling
kmslab serve --realistic
# replay the run that printed "Realistic mode, seed 7"
kmslab serve --realistic=7`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			region := g.region
			if region == "" {
				region = sim.DefaultRegion
			}
			var seed *int64
			if cmd.Flags().Changed("seed") {
				seed = &g.seed
			}
			return serve(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), f, region, seed)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.addr, "addr", "127.0.0.1:4566", "listen address; needs --allow-remote\nif not loopback")
	fl.StringVar(&f.accountID, "account-id", sim.DefaultAccountID, "offline account id, 12 digits")
	fl.StringVar(&f.accessKeyID, "admin-access-key-id", "", "access key id of lab-admin (default: generated)")
	fl.StringVar(&f.secret, "admin-secret-access-key", "", "secret of lab-admin; ps shows flags, so prefer\n$"+secretEnv)
	fl.StringVar(&f.auditLog, "audit-log", "", "append every call as a JSON line to this file")
	fl.BoolVar(&f.allowRemote, "allow-remote", false, "listen beyond loopback (anyone may try keys)")
	fl.StringVar(&f.dataDir, "data-dir", "", "keep the account across restarts in this dir\n(0700; holds key material and secrets)")
	fl.IntVar(&f.auditMax, "audit-max-events", sim.DefaultAuditDiskMax, "how many of the newest audit events the\ndata dir keeps (about 1.3 KB each)")
	fl.BoolVar(&f.repair, "repair", false, "save what can be read of a damaged --data-dir\ninto a new file, keep the old one, then serve")
	fl.StringVar(&f.realistic, "realistic", "", "behave as a real account: late IAM changes and\ngrants, varied denials, throttling; =SEED replays")
	fl.Lookup("realistic").NoOptDefVal = randomSeed
	fl.DurationVar(&f.keyCacheTTL, "key-cache-ttl", sim.DefaultKeyCache, "how long DynamoDB caches a table key\n(0: ask KMS every time)")
	g.addFlags(cmd, flagRegion, flagSeed)
	cmd.Flags().SortFlags = false
	return cmd
}

// checkLoopback refuses a non-loopback listen address unless explicitly allowed.
func checkLoopback(addr string, allow bool) (warning string, err error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("--addr %q: %w", addr, err)
	}
	if host == "localhost" || isLoopbackAddr(addr) {
		return "", nil
	}
	if !allow {
		return "", fmt.Errorf("--addr %s is not a loopback address: the offline AWS accepts its admin credentials from anyone who can reach it; pass --allow-remote if you really mean it", addr)
	}
	return fmt.Sprintf("warning: listening on %s, which is not loopback: anyone who can reach it can call the offline AWS", addr), nil
}

// isLoopbackAddr reports whether host:port names a loopback IP literally
// (127.0.0.0/8, ::1, or IPv4-mapped 127.x); names other than "localhost" are
// never trusted, since they may resolve anywhere.
func isLoopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Zone() == "" && ip.Unmap().IsLoopback()
}

// secretEnv may carry the admin's secret instead of the flag, out of sight of ps.
const secretEnv = "KMSLAB_ADMIN_SECRET_ACCESS_KEY"

func serve(ctx context.Context, out, errOut io.Writer, f *serveFlags, region string, seed *int64) error {
	// secretExpr is how the export line obtains the admin secret. A secret the
	// user supplied is theirs to keep: writing it to a file would put a copy
	// where a SIGKILL can leave it behind, so only a generated one gets a file.
	secretExpr := "'<the value of --admin-secret-access-key>'"
	if f.secret == "" {
		f.secret = os.Getenv(secretEnv)
		secretExpr = `"$` + secretEnv + `"` // unused when the variable is empty too
	}
	warn, err := checkLoopback(f.addr, f.allowRemote)
	if err != nil {
		return err
	}
	if warn != "" {
		fmt.Fprintln(errOut, warn)
	}
	if f.repair {
		if f.dataDir == "" {
			return errors.New("--repair needs the --data-dir to repair")
		}
		rep, err := sim.Repair(f.dataDir, time.Now())
		if err != nil {
			return err
		}
		fmt.Fprint(out, rep.String())
		if !strings.HasSuffix(rep.String(), "\n") {
			fmt.Fprintln(out)
		}
	}
	opts := sim.Options{
		Addr:                 f.addr,
		AccountID:            f.accountID,
		Region:               region,
		AdminAccessKeyID:     f.accessKeyID,
		AdminSecretAccessKey: f.secret,
		KeyCacheTTL:          f.keyCacheTTL,
		DataDir:              f.dataDir,
		AuditDiskMax:         f.auditMax,
		AuditKeep:            -1, // its trail is --audit-log; nothing here reads one in memory
	}
	if f.keyCacheTTL == 0 {
		opts.KeyCacheTTL = sim.NoKeyCache
	}
	if seed != nil {
		opts.Rand = seededRand(*seed)
	}
	if f.realistic != "" {
		r, err := realismFlag(f.realistic)
		if err != nil {
			return err
		}
		opts.Realism = r
	}
	var guarded *audit.Guarded
	if f.auditLog != "" {
		af, err := os.OpenFile(f.auditLog, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return fmt.Errorf("open audit log: %w", err)
		}
		defer af.Close()
		guarded = &audit.Guarded{W: af, Name: f.auditLog, Report: func(msg string) { fmt.Fprintln(errOut, msg) }}
		opts.AuditSink = guarded
	}

	// SIGHUP is the terminal closing: stop as for Ctrl-C, so the secret file
	// is removed on the way out.
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	srv, err := sim.Start(ctx, opts)
	if err != nil {
		return err
	}
	// "localhost" is trusted by name, so check what it resolved to.
	if bound := strings.TrimPrefix(srv.URL, "http://"); !f.allowRemote && !isLoopbackAddr(bound) {
		_ = srv.Close()
		return fmt.Errorf("--addr %s resolved to %s, which is not loopback: pass --allow-remote if you really mean it", f.addr, bound)
	}
	secretFile, err := secretFilePath(srv)
	if err == nil {
		// A serve killed by SIGKILL on this address left its file behind.
		err = removeStale(secretFile)
	}
	if err == nil && f.secret == "" {
		_, err = writeSecret(secretFile, srv.Admin.SecretAccessKey)
		secretExpr = `"$(cat ` + shellQuote(secretFile) + `)"`
		defer os.Remove(secretFile)
	}
	if err != nil {
		_ = srv.Close()
		return err
	}

	fmt.Fprintf(out, "kmslab offline AWS listening on %s (account %s, region %s)\n", srv.URL, srv.AccountID, srv.Region)
	fmt.Fprintf(out, "Services: KMS, DynamoDB, IAM, STS, in every region. Admin: %s\n", srv.AdminARN)
	if opts.Realism != nil {
		fmt.Fprintf(out, "Realistic mode, seed %d: --realistic=%d replays it. IAM changes and new grants\n", opts.Realism.Seed, opts.Realism.Seed)
		fmt.Fprintln(out, "take effect late, denials vary in wording, and calls are throttled now and then.")
	}
	if f.dataDir != "" {
		fmt.Fprintf(out, "State kept in %s (key material and secret access keys included).\n", f.dataDir)
	}
	fmt.Fprintln(out)
	if f.secret == "" {
		fmt.Fprintln(out, "Point the AWS CLI or an SDK at it (the secret is read from a 0600 file, never printed):")
	} else {
		fmt.Fprintln(out, "Point the AWS CLI or an SDK at it (with the secret you supplied, never printed):")
	}
	fmt.Fprint(out, exportLines(srv, secretExpr))
	// Debian 12's packaged AWS CLI is 2.9: it ignores AWS_ENDPOINT_URL and goes to real AWS.
	fmt.Fprintln(out, "\nAWS CLI before v2.13 (v1 before 1.29) ignores AWS_ENDPOINT_URL; give it")
	fmt.Fprintln(out, "  --endpoint-url \"$AWS_ENDPOINT_URL\" on each command.")
	fmt.Fprintln(out, "\nPress Ctrl-C to stop.")

	<-ctx.Done()
	fmt.Fprintln(out, "\nstopping")
	if err := srv.Close(); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	if guarded != nil && guarded.Lost() > 0 {
		return fmt.Errorf("audit log %s is missing %d events that could not be written: check its disk", f.auditLog, guarded.Lost())
	}
	return nil
}

func exportLines(srv *sim.Server, secretExpr string) string {
	// AWS CLI v1 and boto3 read only AWS_DEFAULT_REGION; CLI v2 and the other
	// SDKs read AWS_REGION first.
	return fmt.Sprintf("  export AWS_ENDPOINT_URL=%s\n  export AWS_REGION=%s\n  export AWS_DEFAULT_REGION=%s\n  export AWS_ACCESS_KEY_ID=%s\n  export AWS_SECRET_ACCESS_KEY=%s\n",
		srv.URL, srv.Region, srv.Region, srv.Admin.AccessKeyID, secretExpr)
}

// secretFilePath is where a generated admin secret is kept, readable only by
// the user, so the terminal, scrollback and recordings never show it.
func secretFilePath(srv *sim.Server) (string, error) {
	dir, err := stateDir("")
	if err != nil {
		return "", err
	}
	if err := privateDir(dir); err != nil {
		return "", err
	}
	return filepath.Join(dir, secretFileName(srv.URL)), nil
}

// removeStale removes a file a killed process left at path, if any.
func removeStale(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove stale secret file: %w", err)
	}
	return nil
}

// secretFileName names the secret file after the listen address, so that two
// servers on different loopback addresses with the same port never share one.
func secretFileName(url string) string {
	addr := strings.TrimPrefix(url, "http://")
	name := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '.' || r == '-' {
			return r
		}
		return '_'
	}, addr)
	return "serve-" + name + ".secret"
}

// privateDir makes dir (and its parents) if needed and leaves it 0700, so no
// other user can list or swap the files kmslab keeps there.
func privateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create state dir: %w", err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("state dir: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("state dir %s is not a directory", dir)
	}
	if fi.Mode().Perm() != 0o700 {
		if err := os.Chmod(dir, 0o700); err != nil {
			return fmt.Errorf("make state dir %s private: %w", dir, err)
		}
	}
	return nil
}

// writeSecret creates path afresh with mode 0600 and writes secret to it. A
// file left by a crashed server is replaced; a symlink planted there is
// removed, never followed (O_EXCL creates or fails, it does not follow links).
func writeSecret(path, secret string) (string, error) {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("replace stale secret file: %w", err)
	}
	fh, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", fmt.Errorf("create admin secret file: %w", err)
	}
	_, werr := fh.WriteString(secret)
	cerr := fh.Close()
	if err := errors.Join(werr, cerr); err != nil {
		_ = os.Remove(path)
		return "", fmt.Errorf("write admin secret file: %w", err)
	}
	return path, nil
}

// stateDir is where kmslab keeps per-user state: the flag's value, else
// ledger.DefaultStateDir ($XDG_STATE_HOME/kmslab when absolute, or
// ~/.local/state/kmslab), so serve and the ledgers agree on one place.
func stateDir(flag string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	return ledger.DefaultStateDir()
}

func shellQuote(s string) string {
	safe := true
	for _, c := range s {
		if !(c == '/' || c == '.' || c == '-' || c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	q := "'"
	for _, c := range s {
		if c == '\'' {
			q += `'\''`
		} else {
			q += string(c)
		}
	}
	return q + "'"
}
