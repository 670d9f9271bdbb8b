package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/charmbracelet/x/ansi"
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
		Example: `# list, then ask
kmslab cleanup --profile dev
# only list
kmslab cleanup --dry-run
# remove without asking
kmslab cleanup --yes --region eu-west-1`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !cmd.Flags().Changed("dry-run") {
				dryRun = !g.yes && !isTerminal(os.Stdin)
			}
			return cleanup(cmd.Context(), cmd.InOrStdin(), cmd.OutOrStdout(), g, dryRun)
		},
	}
	g.addFlags(cmd, flagProfile, flagRegion, flagEndpointURL, flagYes, flagStateDir)
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "only list what would go (the default without a terminal)")
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
	cols := columnsFor(left)
	for _, l := range left {
		fmt.Fprintln(out, cols.row(l.Kind, l.Name, strings.Trim(l.Source+", "+l.Detail, ", ")))
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
	if g.yes {
		fmt.Fprintln(out) // the prompt's answer separates the listing otherwise
	}
	rep, err := awsops.CleanupLeftovers(ctx, sess.cfg, dir, left, func(f awsops.Fate) {
		fmt.Fprintln(out, cols.row(f.Kind, f.Name, f.Outcome))
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

// cleanupColumns are the widths of the kind and name columns of cleanup's
// table: those of the longest entries, so the last column lines up however
// long a name (a policy ARN, a user of a long run id) is.
type cleanupColumns struct{ kind, name int }

func columnsFor(left []awsops.Leftover) cleanupColumns {
	var c cleanupColumns
	for _, l := range left {
		c.kind = max(c.kind, ansi.StringWidth(l.Kind))
		c.name = max(c.name, ansi.StringWidth(l.Name))
	}
	return c
}

func (c cleanupColumns) row(kind, name, rest string) string {
	pad := func(s string, w int) string { return s + strings.Repeat(" ", max(w-ansi.StringWidth(s), 0)) }
	return strings.TrimRight("  "+pad(kind, c.kind)+"  "+pad(name, c.name)+"  "+rest, " ")
}
