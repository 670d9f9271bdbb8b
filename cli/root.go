// Package cli is kmslab's command line: the TUI by default, plus run, serve,
// cleanup and version. It only wires flags to the packages that do the work.
package cli

import (
	"context"
	"os"
	"slices"
	"strings"

	"charm.land/fang/v2"
	"github.com/spf13/cobra"

	"kmslab/internal/textwrap"
	"kmslab/steps"
)

// Version is set at build time with -ldflags "-X kmslab/cli.Version=...".
var Version = "dev"

// globals are the flags the lab commands share; each command registers
// only those that mean something for it (see labFlag).
type globals struct {
	aws         bool
	profile     string
	region      string
	endpointURL string
	seed        int64
	seeded      bool
	yes         bool
	stateDir    string
	lab         string
	// labFixed: --lab was given, so the lab is not chosen on the welcome
	// screen (kmslab workshop: for the whole room).
	labFixed bool
}

// labFlag names one of the shared flags.
type labFlag int

const (
	flagAWS labFlag = iota
	flagProfile
	flagRegion
	flagEndpointURL
	flagSeed
	flagYes
	flagStateDir
	flagLab
)

// addFlags registers the given shared flags on cmd, bound to g. Flag
// descriptions start with a lowercase word that reads well capitalised:
// fang capitalises the first word (and only it).
func (g *globals) addFlags(cmd *cobra.Command, which ...labFlag) {
	fs := cmd.Flags()
	profileNote := ""
	if slices.Contains(which, flagAWS) {
		profileNote = " (with --aws)"
	}
	for _, f := range which {
		switch f {
		case flagAWS:
			fs.BoolVar(&g.aws, "aws", false, "use your real AWS account (SDK credential chain)")
		case flagProfile:
			fs.StringVar(&g.profile, "profile", "", "profile from your shared AWS config"+profileNote)
		case flagRegion:
			fs.StringVar(&g.region, "region", "", "region (default: AWS config, else us-east-1)")
		case flagEndpointURL:
			fs.StringVar(&g.endpointURL, "endpoint-url", "", "send every call to this endpoint (or AWS_ENDPOINT_URL)")
		case flagSeed:
			fs.Int64Var(&g.seed, "seed", 0, "offline: same ids, ARNs and times every run")
		case flagYes:
			fs.BoolVarP(&g.yes, "yes", "y", false, "do not ask for confirmation")
		case flagStateDir:
			fs.StringVar(&g.stateDir, "state-dir", "", "run ledger folder (default $XDG_STATE_HOME/kmslab)")
		case flagLab:
			fs.StringVar(&g.lab, "lab", steps.Labs()[0].ID, "which lab: "+strings.Join(steps.LabIDs(), " or "))
		}
	}
}

// Execute runs the kmslab command line and returns the process exit code.
func Execute(ctx context.Context) int {
	root := newRoot()
	if !isTerminal(os.Stdout) {
		// Piped help is laid out 120 columns wide and padded with spaces to
		// that width; the padding is noise in a pager or a file.
		root.SetOut(&trimTrailingSpace{w: os.Stdout})
	}
	if err := fang.Execute(ctx, root, fang.WithVersion(Version), fang.WithNotifySignal(os.Interrupt), fang.WithErrorHandler(errorHandler)); err != nil {
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
		Example: `# the walkthrough, offline
kmslab
# the walkthrough on a real AWS account
kmslab --aws --profile dev
# the whole lab as plain text, no TUI
kmslab run
# the second lab: envelope encryption by hand
kmslab --lab envelope
# the offline AWS for the AWS CLI and SDKs
kmslab serve`,
		SilenceUsage: true,
		Args:         cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			g.seeded = cmd.Flags().Changed("seed")
			return runTUI(cmd, g)
		},
	}
	g.addFlags(root, flagAWS, flagProfile, flagRegion, flagEndpointURL, flagSeed, flagStateDir, flagLab)
	explain := newExplainCmd(g)
	g.addFlags(explain, flagAWS, flagProfile, flagRegion, flagEndpointURL)
	root.AddCommand(newRunCmd(g), newServeCmd(g), newCleanupCmd(g), explain, newVersionCmd(), newWorkshopCmd(g))
	root.AddCommand(newRecordCmd())
	// cobra adds its completion command only when it runs; added now, its
	// description can be one that fits the help's width.
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() != "completion" {
			continue
		}
		c.Short = "Generate a shell completion script"
		for _, sc := range c.Commands() {
			sc.Long = strings.Join(wrapAtSpaces(sc.Long, helpWidth()-4), "\n")
		}
	}
	for _, c := range append(root.Commands(), root) {
		c.Long = rewrapParagraphs(c.Long, helpWidth()-4) // fang indents prose by 2
	}
	return root
}

// helpWidth is the width --help fits in: the terminal's, at most 80 columns
// (fang's own limit is 120, too wide to read prose at, and what it uses when
// the help is piped).
func helpWidth() int {
	if w := terminalWidth(os.Stdout); w > 0 && w < 80 {
		return w
	}
	return 80
}

// rewrapParagraphs wraps each paragraph at width columns: the source wraps
// long help at 90 for reading, and fang wraps again only lines wider than
// the terminal, which would otherwise leave a short line after each.
func rewrapParagraphs(s string, width int) string {
	paras := strings.Split(s, "\n\n")
	for i, p := range paras {
		paras[i] = textwrap.Words(strings.Join(strings.Fields(p), " "), max(width, 20), "")
	}
	return strings.Join(paras, "\n\n")
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
