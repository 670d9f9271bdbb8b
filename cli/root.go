// Package cli is kmslab's command line: the TUI by default, plus run, serve,
// cleanup and version. It only wires flags to the packages that do the work.
package cli

import (
	"context"
	"os"

	"charm.land/fang/v2"
	"github.com/spf13/cobra"
)

// Version is set at build time with -ldflags "-X kmslab/cli.Version=...".
var Version = "dev"

// globals are the flags every lab command shares.
type globals struct {
	aws         bool
	profile     string
	region      string
	endpointURL string
	seed        int64
	seeded      bool
	yes         bool
	stateDir    string
}

// Execute runs the kmslab command line and returns the process exit code.
func Execute(ctx context.Context) int {
	root := newRoot()
	if err := fang.Execute(ctx, root, fang.WithVersion(Version), fang.WithNotifySignal(os.Interrupt)); err != nil {
		if code, ok := exitCode(err); ok {
			return code
		}
		return 1
	}
	return 0
}

func newRoot() *cobra.Command {
	g := &globals{}
	root := &cobra.Command{
		Use:   "kmslab",
		Short: "Learn how KMS key policies guard your data, one live AWS call at a time",
		Long: `kmslab walks you through the "Encrypt data with AWS KMS" lab in your terminal:
a customer managed key, a DynamoDB table encrypted with it, and a test user who has
full DynamoDB access and is still refused, until the key policy lets them in.

By default every call goes to an offline AWS embedded in kmslab (KMS, DynamoDB, IAM
and STS that check signatures, IAM policies and key policies, and really encrypt at
rest). With --aws the same calls go to your real account.`,
		Example: `  kmslab                      # the walkthrough, offline
  kmslab --aws --profile dev  # the walkthrough on a real AWS account
  kmslab run                  # the whole lab as plain text, no TUI
  kmslab serve                # the offline AWS for the AWS CLI and SDKs`,
		SilenceUsage: true,
		Args:         cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			g.seeded = cmd.Flags().Changed("seed")
			return runTUI(cmd, g)
		},
	}
	pf := root.PersistentFlags()
	pf.BoolVar(&g.aws, "aws", false, "use your real AWS account (SDK default chain: env, shared config, SSO)")
	pf.StringVar(&g.profile, "profile", "", "profile from your shared AWS config (with --aws)")
	pf.StringVar(&g.region, "region", "", "region to work in (default: from your AWS config, or us-east-1 offline)")
	pf.StringVar(&g.endpointURL, "endpoint-url", "", "send every call to this AWS-compatible endpoint (also AWS_ENDPOINT_URL)")
	pf.Int64Var(&g.seed, "seed", 0, "offline: fix run id, key ids, ARNs, request ids and timestamps")
	pf.BoolVarP(&g.yes, "yes", "y", false, "do not ask for confirmation")
	pf.StringVar(&g.stateDir, "state-dir", "", "where run ledgers are kept (default $XDG_STATE_HOME/kmslab)")

	root.AddCommand(newRunCmd(g), newServeCmd(g), newCleanupCmd(g), newExplainCmd(g), newVersionCmd())
	return root
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print kmslab's version",
		Args:  cobra.NoArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			cmd.Println("kmslab " + Version)
		},
	}
}

// exitError carries a specific process exit status through cobra.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func exitCode(err error) (int, bool) {
	if e, ok := err.(*exitError); ok {
		return e.code, true
	}
	return 0, false
}
