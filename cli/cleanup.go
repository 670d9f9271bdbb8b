package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"kmslab/awsops"
)

func newCleanupCmd(g *globals) *cobra.Command {
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "cleanup",
		Short: "List, then remove, what earlier lab runs left behind",
		Long: `cleanup finds the leftovers of unfinished runs: resources recorded in run ledgers
($XDG_STATE_HOME/kmslab/runs) and resources tagged kmslab:run in the current account and
region. It lists them, then deletes them only after you confirm (or with --yes). KMS keys
are scheduled for deletion in 7 days, the minimum AWS allows.

Offline runs leave nothing behind (the embedded AWS vanishes with the process), so
cleanup always talks to AWS through the SDK default chain, or to --endpoint-url.
Without a terminal it is a dry run unless --yes is given.`,
		Example: `  kmslab cleanup --profile dev          # list, then ask
  kmslab cleanup --dry-run              # only list
  kmslab cleanup --yes --region eu-west-1`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !cmd.Flags().Changed("dry-run") {
				dryRun = !g.yes && !isTerminal(os.Stdin)
			}
			return cleanup(cmd.Context(), cmd.InOrStdin(), cmd.OutOrStdout(), g, dryRun)
		},
	}
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "only list what would be removed (default when not interactive)")
	return cmd
}

func cleanup(ctx context.Context, in io.Reader, out io.Writer, g *globals, dryRun bool) error {
	rg := *g
	rg.aws = true
	sess, err := openSession(ctx, &rg)
	if err != nil {
		return err
	}
	defer sess.Close()
	dir, err := stateDir(g.stateDir)
	if err != nil {
		return err
	}
	left, err := awsops.Leftovers(ctx, sess.cfg, dir)
	if err != nil {
		return err
	}
	if len(left) == 0 {
		fmt.Fprintf(out, "Nothing left behind in %s: no unfinished run ledgers, no resources tagged %s.\n", sess.cfg.Region, awsops.TagKey)
		return nil
	}
	fmt.Fprintf(out, "Left behind by earlier runs (region %s):\n", sess.cfg.Region)
	for _, l := range left {
		fmt.Fprintf(out, "  %-12s %-40s %s\n", l.Kind, l.Name, strings.Trim(l.Source+", "+l.Detail, ", "))
	}
	if dryRun {
		fmt.Fprintln(out, "\nDry run: nothing was changed. Run again with --yes (or interactively) to remove them.")
		return nil
	}
	if !g.yes {
		fmt.Fprintf(out, "\nRemove these %d resources? KMS keys are scheduled for deletion in 7 days. [y/N] ", len(left))
		line, _ := bufio.NewReader(in).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(line)); a != "y" && a != "yes" {
			fmt.Fprintln(out, "Nothing was changed.")
			return nil
		}
	}
	rep, err := awsops.CleanupLeftovers(ctx, sess.cfg, dir, left, func(f awsops.Fate) {
		fmt.Fprintf(out, "  %-12s %-40s %s\n", f.Kind, f.Name, f.Outcome)
	})
	if err != nil {
		return err
	}
	if !rep.OK() {
		return &exitError{code: 1, err: fmt.Errorf("some resources could not be removed; run kmslab cleanup again")}
	}
	fmt.Fprintln(out, "All cleaned up.")
	return nil
}
