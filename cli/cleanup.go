package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/spf13/cobra"

	"kmslab/awsops"
	"kmslab/awsops/ledger"
)

func newCleanupCmd(g *globals) *cobra.Command {
	var dryRun bool
	var run string
	cmd := &cobra.Command{
		Use:   "cleanup",
		Short: "List, then remove, what earlier lab runs left behind",
		Long: `cleanup finds the leftovers of unfinished runs: resources recorded in run ledgers
($XDG_STATE_HOME/kmslab/runs) and resources tagged kmslab:run in the current account and
region. It lists them, then deletes them only after you confirm (or with --yes). KMS keys
are scheduled for deletion in 7 days, the minimum AWS allows.

Offline runs leave nothing behind (the embedded AWS vanishes with the process), so
cleanup always talks to AWS through the SDK default chain, or to --endpoint-url.
Without a terminal it is a dry run unless --yes is given. A run still in progress (its
process alive, or its ledger written in the last 10 minutes when its process cannot be
checked) is left alone; name it with --run to remove it anyway, after typing its run id.`,
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
			return cleanup(cmd.Context(), cmd.InOrStdin(), cmd.OutOrStdout(), g, dryRun, run)
		},
	}
	g.addFlags(cmd, flagProfile, flagRegion, flagEndpointURL, flagYes, flagStateDir)
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "only list what would go (the default without a terminal)")
	cmd.Flags().StringVar(&run, "run", "", "only this run's resources, even while it runs")
	return cmd
}

func cleanup(ctx context.Context, in io.Reader, out io.Writer, g *globals, dryRun bool, run string) error {
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
	left, err := ledger.Leftovers(ctx, sess.cfg, dir)
	if err != nil {
		return err
	}
	total := len(left)
	left, live, err := leaveRunning(left, dir, run, out)
	if err != nil {
		return err
	}
	if len(left) == 0 && total > 0 && run == "" {
		fmt.Fprintln(out, "Nothing else is left behind.")
		return nil
	}
	if len(left) == 0 && run != "" {
		fmt.Fprintf(out, "Nothing of run %s is left in %s.\n", run, sess.cfg.Region)
		return nil
	}
	if len(left) == 0 {
		fmt.Fprintf(out, "Nothing left behind in %s: no unfinished run ledgers, no resources tagged %s.\n", sess.cfg.Region, ledger.TagKey)
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
	if live != "" {
		// --yes is not enough for a run in progress: its owner is at work.
		fmt.Fprintf(out, "\nRun %s is still running (%s): removing its resources breaks it. Type the run id to remove them anyway: ", run, live)
		line, _ := bufio.NewReader(in).ReadString('\n')
		if strings.TrimSpace(line) != run {
			fmt.Fprintln(out, "Nothing was changed.")
			return nil
		}
	} else if !g.yes {
		fmt.Fprintf(out, "\nRemove these %d resources? KMS keys are scheduled for deletion in 7 days. [y/N] ", len(left))
		line, _ := bufio.NewReader(in).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(line)); a != "y" && a != "yes" {
			fmt.Fprintln(out, "Nothing was changed.")
			return nil
		}
	}
	if g.yes && live == "" {
		fmt.Fprintln(out) // the prompt's answer separates the listing otherwise
	}
	rep, err := awsops.CleanupLeftovers(ctx, sess.cfg, dir, left, func(f ledger.Fate) {
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

// leaveRunning keeps of left what cleanup may offer: the resources of runs not
// in progress, or only those of run when one is named. It says which runs it
// leaves alone, and, for a named run in progress, why it looks live.
func leaveRunning(left []ledger.Leftover, stateDir, run string, out io.Writer) (offer []ledger.Leftover, live string, err error) {
	if run != "" && !ledger.ValidRunID(run) {
		return nil, "", fmt.Errorf("--run %q is not a kmslab run id (the part after kmslab- in its resources' names)", run)
	}
	running, err := ledger.RunningRuns(stateDir, time.Now())
	if err != nil {
		return nil, "", err
	}
	skipped := map[string]bool{}
	for _, l := range left {
		switch {
		case run != "" && l.RunID != run:
		case run == "" && running[l.RunID] != "":
			skipped[l.RunID] = true
		default:
			offer = append(offer, l)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(skipped)) {
		fmt.Fprintf(out, "Left alone: run %s is still running (%s); name it with --run %s to remove its resources anyway.\n", id, running[id], id)
	}
	return offer, running[run], nil
}

// cleanupColumns are the widths of the kind and name columns of cleanup's
// table: those of the longest entries, so the last column lines up however
// long a name (a policy ARN, a user of a long run id) is.
type cleanupColumns struct{ kind, name int }

func columnsFor(left []ledger.Leftover) cleanupColumns {
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
