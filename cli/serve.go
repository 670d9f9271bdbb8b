package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"kmslab/sim"
)

type serveFlags struct {
	addr        string
	accountID   string
	accessKeyID string
	secret      string
	auditLog    string
	allowRemote bool
	keyCacheTTL time.Duration
}

func newServeCmd(g *globals) *cobra.Command {
	f := &serveFlags{}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the offline AWS (KMS, DynamoDB, IAM, STS) for the AWS CLI and SDKs",
		Long: `serve runs kmslab's offline AWS as a standalone endpoint. It checks SigV4
signatures, IAM and KMS key policies, and encrypts DynamoDB items at rest, so the AWS CLI
and SDKs see the same AccessDenied a real account would give.

It prints the environment to point the AWS CLI at it. The admin's secret access key is
written to a file readable only by you and never printed.`,
		Example: `  kmslab serve
  kmslab serve --addr 127.0.0.1:4566 --audit-log audit.jsonl`,
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
	fl.StringVar(&f.addr, "addr", "127.0.0.1:4566", "listen address (loopback only unless --allow-remote)")
	fl.StringVar(&f.accountID, "account-id", sim.DefaultAccountID, "12-digit account id")
	fl.StringVar(&f.accessKeyID, "admin-access-key-id", "", "access key id of the admin user lab-admin (generated when absent)")
	fl.StringVar(&f.secret, "admin-secret-access-key", "", "secret access key of lab-admin (generated when absent)")
	fl.StringVar(&f.auditLog, "audit-log", "", "append every call as a JSON line to this file")
	fl.BoolVar(&f.allowRemote, "allow-remote", false, "allow listening on a non-loopback address (anyone who can reach it can try credentials)")
	fl.DurationVar(&f.keyCacheTTL, "key-cache-ttl", sim.DefaultKeyCache, "how long DynamoDB reuses a decrypted table key per caller (0 = ask KMS every request)")
	cmd.Flags().SortFlags = false
	return cmd
}

// checkLoopback refuses a non-loopback listen address unless explicitly allowed.
func checkLoopback(addr string, allow bool) (warning string, err error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("--addr %q: %w", addr, err)
	}
	if host == "localhost" {
		return "", nil
	}
	ip := net.ParseIP(host)
	if ip != nil && ip.IsLoopback() {
		return "", nil
	}
	if !allow {
		return "", fmt.Errorf("--addr %s is not a loopback address: the offline AWS accepts its admin credentials from anyone who can reach it; pass --allow-remote if you really mean it", addr)
	}
	return fmt.Sprintf("warning: listening on %s, which is not loopback: anyone who can reach it can call the offline AWS", addr), nil
}

func serve(ctx context.Context, out, errOut io.Writer, f *serveFlags, region string, seed *int64) error {
	warn, err := checkLoopback(f.addr, f.allowRemote)
	if err != nil {
		return err
	}
	if warn != "" {
		fmt.Fprintln(errOut, warn)
	}
	opts := sim.Options{
		Addr:                 f.addr,
		AccountID:            f.accountID,
		Region:               region,
		AdminAccessKeyID:     f.accessKeyID,
		AdminSecretAccessKey: f.secret,
		KeyCacheTTL:          f.keyCacheTTL,
	}
	if f.keyCacheTTL == 0 {
		opts.KeyCacheTTL = sim.NoKeyCache
	}
	if seed != nil {
		opts.Rand = seededRand(*seed)
	}
	if f.auditLog != "" {
		af, err := os.OpenFile(f.auditLog, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return fmt.Errorf("open audit log: %w", err)
		}
		defer af.Close()
		opts.AuditSink = af
	}

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv, err := sim.Start(ctx, opts)
	if err != nil {
		return err
	}
	secretFile, err := writeSecretFile(srv)
	if err != nil {
		_ = srv.Close()
		return err
	}
	defer os.Remove(secretFile)

	fmt.Fprintf(out, "kmslab offline AWS listening on %s (account %s, region %s)\n", srv.URL, srv.AccountID, srv.Region)
	fmt.Fprintf(out, "Services: KMS, DynamoDB, IAM, STS. Admin: %s\n\n", srv.AdminARN)
	fmt.Fprintln(out, "Point the AWS CLI or an SDK at it (the secret is read from a 0600 file, never printed):")
	fmt.Fprint(out, exportLines(srv, secretFile))
	fmt.Fprintln(out, "\nPress Ctrl-C to stop.")

	<-ctx.Done()
	fmt.Fprintln(out, "\nstopping")
	if err := srv.Close(); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

func exportLines(srv *sim.Server, secretFile string) string {
	return fmt.Sprintf("  export AWS_ENDPOINT_URL=%s\n  export AWS_REGION=%s\n  export AWS_ACCESS_KEY_ID=%s\n  export AWS_SECRET_ACCESS_KEY=\"$(cat %s)\"\n",
		srv.URL, srv.Region, srv.Admin.AccessKeyID, shellQuote(secretFile))
}

// writeSecretFile keeps the admin secret where only the user can read it, so
// the terminal, scrollback and recordings never show it.
func writeSecretFile(srv *sim.Server) (string, error) {
	dir, err := stateDir("")
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("create state dir: %w", err)
	}
	_, port, _ := net.SplitHostPort(srv.URL[len("http://"):])
	path := filepath.Join(dir, "serve-"+port+".secret")
	if err := os.WriteFile(path, []byte(srv.Admin.SecretAccessKey), 0o600); err != nil {
		return "", fmt.Errorf("write admin secret file: %w", err)
	}
	return path, nil
}

// stateDir is where kmslab keeps per-user state: $XDG_STATE_HOME/kmslab, or ~/.local/state/kmslab.
func stateDir(flag string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	if x := os.Getenv("XDG_STATE_HOME"); x != "" {
		return filepath.Join(x, "kmslab"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find home directory for kmslab state: %w", err)
	}
	return filepath.Join(home, ".local", "state", "kmslab"), nil
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
