package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"kmslab/awsops"
	"kmslab/awsops/explain"
	"kmslab/awsops/ledger"
	"kmslab/awsops/policydoc"
	"kmslab/sim"
	"kmslab/steps"
)

func newRunCmd(g *globals) *cobra.Command {
	var asJSON, experiments bool
	course := steps.KMS()
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Run the whole lab without a TUI, as plain text",
		Long: `run performs all ` + numberWord(course.PartCount()) + ` parts of the lab and the cleanup, printing each step's title,
the equivalent AWS CLI command and the live result. It exits 0 only when the lab behaved
as it must: ` + course.Must + `.

kmslab runs this automatically when its output is not a terminal.`,
		Example: `# offline
kmslab run
# the same bytes every time
kmslab run --seed 1
# one JSON object per step
kmslab run --json | jq .
# the envelope encryption lab, with its experiments
kmslab run --lab envelope --experiments
# on your real account
kmslab run --aws --yes`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			g.seeded = cmd.Flags().Changed("seed")
			return runHeadless(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), g, asJSON, experiments)
		},
	}
	g.addFlags(cmd, flagAWS, flagProfile, flagRegion, flagEndpointURL, flagSeed, flagYes, flagStateDir, flagLab)
	cmd.Flags().BoolVar(&asJSON, "json", false, "write one JSON object per step result")
	cmd.Flags().BoolVar(&experiments, "experiments", false, "at "+course.Baseline()+", run every what-if (and restore it)")
	return cmd
}

// numberWord spells a small count as help text reads it ("six").
func numberWord(n int) string {
	words := []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"}
	if n >= 0 && n < len(words) {
		return words[n]
	}
	return strconv.Itoa(n)
}

// newLab builds the lab for a session; offline runs need no ledger, since the
// embedded AWS and all it holds vanish with the process.
func newLab(sess *session, g *globals, progress func(awsops.Progress)) (*awsops.Lab, error) {
	opts := awsops.Options{Progress: progress}
	if g.seeded {
		opts.RunID = ledger.NewRunID(seededRand(g.seed + 1))
	}
	if sess.mode == Offline {
		opts.DisableLedger = true
		if sess.clock != nil {
			opts.KeyCacheTTL = sim.DefaultKeyCache
			opts.Sleep = sess.clock.Skip
			if g.seeded {
				// What the lab stamps (the trace's aws:CurrentTime) must not
				// depend on the wall clock either.
				opts.Clock = sess.clock.Now
			}
		}
	} else {
		dir, err := stateDir(g.stateDir)
		if err != nil {
			return nil, err
		}
		opts.StateDir = dir
	}
	return awsops.New(sess.cfg, opts)
}

// stepRecord is one line of `run --json`.
type stepRecord struct {
	ID          string               `json:"id"`
	Kind        string               `json:"kind"`           // part, experiment or cleanup
	Part        int                  `json:"part,omitempty"` // parts only: cleanup has no part number
	Title       string               `json:"title"`
	Status      string               `json:"status"`
	Summary     string               `json:"summary"`
	CLI         []string             `json:"cli,omitempty"`
	Error       string               `json:"error,omitempty"`
	Key         *awsops.Key          `json:"key,omitempty"`
	Table       *awsops.Table        `json:"table,omitempty"`
	Items       []awsops.Item        `json:"items,omitempty"`
	User        *awsops.TestUser     `json:"user,omitempty"`
	Access      *awsops.Access       `json:"access,omitempty"`
	Explanation *explain.Explanation `json:"explanation,omitempty"`
	Change      *policydoc.Change    `json:"change,omitempty"`
	Cleanup     []cleanupRecord      `json:"cleanup,omitempty"`
	Result      steps.Result         `json:"result,omitempty"`
}

// setResult fills the record's fields from a result, by its kind.
func (rec *stepRecord) setResult(res steps.Result) {
	switch res := res.(type) {
	case steps.KeyCreated:
		rec.Key = &res.Key
	case steps.TableEncrypted:
		rec.Table, rec.Key = &res.Table, res.Key
	case steps.ItemsRead:
		rec.Items = res.Items
	case steps.UserCreated:
		rec.User = &res.User
	case steps.ReadDenied:
		rec.Access = &awsops.Access{Denied: &res.Denied}
		rec.Explanation, rec.Table = res.Explanation, res.Table
	case steps.KeyUseGranted:
		rec.Change, rec.Access = &res.Change, &res.Access
	case steps.CleanedUp:
		for _, f := range res.Report.Resources {
			rec.Cleanup = append(rec.Cleanup, cleanupRecord{Kind: f.Kind, Name: f.Name, Outcome: f.Outcome})
		}
	case nil:
	default:
		rec.Result = res // a kind this record has no field for (an experiment's)
	}
}

type cleanupRecord struct {
	Kind    string `json:"kind"`
	Name    string `json:"name"`
	Outcome string `json:"outcome"`
}

func runHeadless(ctx context.Context, out, errOut io.Writer, g *globals, asJSON, experiments bool) error {
	course, err := g.course()
	if err != nil {
		return err
	}
	return runCourse(ctx, out, errOut, g, course, asJSON, experiments)
}

// course is the lab --lab names; the first lab when none.
func (g *globals) course() (steps.Lab, error) {
	if g.lab == "" {
		return steps.Labs()[0], nil
	}
	l, ok := steps.LabByID(g.lab)
	if !ok {
		return steps.Lab{}, fmt.Errorf("there is no lab %q: --lab takes %s", g.lab, strings.Join(steps.LabIDs(), " or "))
	}
	return l, nil
}

// runCourse runs a lab's steps (and, with experiments, its what-ifs after
// its last part) and prints the report; it fails when the lab's Verdict
// finds the run not as it must be.
func runCourse(ctx context.Context, out, errOut io.Writer, g *globals, course steps.Lab, asJSON, experiments bool) error {
	if g.aws && !g.yes {
		return errors.New("run --aws creates a KMS key, a DynamoDB table and an IAM user in your account: pass --yes to go ahead (kmslab cleanup removes them)")
	}
	sess, err := openSession(ctx, g)
	if err != nil {
		return err
	}
	defer sess.Close()

	progress := func(p awsops.Progress) { fmt.Fprintf(errOut, "  … %s\n", p.String()) }
	lab, err := newLab(sess, g, progress)
	if err != nil {
		return err
	}
	id, err := whoAmI(ctx, lab)
	if err != nil {
		return err
	}
	warnings, err := preflight(ctx, sess, lab, course)
	if err != nil {
		return err
	}
	for _, w := range warnings {
		fmt.Fprintf(errOut, "kmslab: %s\n", w)
	}

	r := newReport(out, course, asJSON, terminalWidth(out))
	r.header(sess.mode, id, lab.Names())
	var outcomes []steps.Outcome
	var expProblems []string
	for i, st := range course.Steps {
		if ctx.Err() != nil {
			break
		}
		if experiments && i > 0 && i-1 == course.ExperimentsAfter() {
			expProblems = runExperiments(ctx, r, lab, id, outcomes)
		}
		r.stepStart(st, lab.Names(), id)
		o := st.Run(ctx, lab)
		outcomes = append(outcomes, o)
		r.stepDone(st, lab.Names(), id, o)
	}
	interrupted, cleanedUp := ctx.Err() != nil, sess.mode == Offline
	if interrupted && sess.mode != Offline {
		// Interrupted on a real account: clean up what exists, with a fresh deadline.
		cctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		rep, cerr := lab.Cleanup(cctx)
		r.interruptedCleanup(rep, cerr)
		cleanedUp = cerr == nil
	}
	if err := r.err(); err != nil {
		return err
	}
	reason := course.Verdict(outcomes)
	if interrupted {
		reason = interruptedVerdict(cleanedUp)
	}
	if reason == "" && len(expProblems) > 0 {
		reason = expProblems[0]
		if len(expProblems) > 1 {
			reason += fmt.Sprintf(" (and %d more)", len(expProblems)-1)
		}
	}
	if reason != "" {
		r.verdict(false, reason)
		return &exitError{code: 2, err: errors.New(reason)}
	}
	r.verdict(true, "")
	return nil
}

// terminalWidth is w's width in columns when it is a terminal, else 0.
func terminalWidth(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok || !isTerminal(w) {
		return 0
	}
	width, _, err := term.GetSize(f.Fd())
	if err != nil {
		return 0
	}
	return width
}

// isTerminal reports whether w is a terminal, to pick the TUI or plain output.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
