package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"

	"kmslab/sim"
	"kmslab/steps"
	"kmslab/ui"
)

// runTUI starts the walkthrough. Without a terminal it falls back to the plain run,
// so `kmslab | cat` and CI logs still get the whole lab.
func runTUI(cmd *cobra.Command, g *globals) error {
	ctx := cmd.Context()
	if !isTerminal(cmd.OutOrStdout()) || !isTerminal(os.Stdin) {
		return runHeadless(ctx, cmd.OutOrStdout(), cmd.ErrOrStderr(), g, false, false)
	}
	course, err := g.course()
	if err != nil {
		return err
	}
	sess, err := openSession(ctx, g)
	if err != nil {
		return err
	}
	defer sess.Close()

	feed := ui.NewProgressFeed()
	lab, err := newLab(sess, g, feed.Report)
	if err != nil {
		return err
	}
	id, err := whoAmI(ctx, lab)
	if err != nil {
		return err
	}
	// Warnings go on the confirmation screen: printed here, they would be
	// behind the TUI until it closed.
	warnings, err := preflight(ctx, sess, lab, course)
	if err != nil {
		return err
	}
	opts := ui.Options{Course: course, Labs: steps.Labs(), FixedLab: cmd.Flags().Changed("lab"), Lab: lab, Identity: id, Mode: ui.AWS,
		Warnings: warnings, Progress: feed, Context: ctx}
	if sess.mode == Offline {
		opts.Mode = ui.Offline
		opts.Extras = simExtras{sess.srv}
	} else {
		// --endpoint-url or AWS_ENDPOINT_URL: the screens name the endpoint
		// instead of promising real AWS resources and costs.
		opts.Endpoint = aws.ToString(sess.cfg.BaseEndpoint)
	}
	final, err := tea.NewProgram(ui.New(opts), tea.WithContext(ctx)).Run()
	if err != nil && !errors.Is(err, tea.ErrProgramKilled) {
		return fmt.Errorf("terminal UI: %w", err)
	}
	// Kept resources are worth a line in the scrollback, once the screen is gone.
	if m, ok := final.(ui.Model); ok {
		if note := m.ExitNote(); note != "" {
			fmt.Fprintln(cmd.OutOrStdout(), note)
		}
	}
	return nil
}

// simExtras shows the offline AWS's insides to the TUI, which must not import sim.
type simExtras struct{ srv *sim.Server }

func (e simExtras) AtRest(table string) (ui.AtRest, error) {
	ar, err := e.srv.Inspect(table)
	if err != nil {
		return ui.AtRest{}, err
	}
	out := ui.AtRest{WrappedKey: ar.WrappedTableKey}
	for _, it := range ar.Items {
		out.Items = append(out.Items, ui.StoredItem{KeyHash: it.KeyHash, Ciphertext: it.Ciphertext})
	}
	return out, nil
}

func (e simExtras) Audit() []ui.AuditEvent {
	events := e.srv.Audit()
	out := make([]ui.AuditEvent, 0, len(events))
	for _, ev := range events {
		out = append(out, ui.AuditEvent{
			Time:      ev.Time,
			Service:   strings.TrimSuffix(ev.Source, ".amazonaws.com"),
			Operation: ev.Name,
			Caller:    ev.Identity.ARN,
			InvokedBy: ev.Identity.InvokedBy,
			Decision:  ev.Decision,
			ErrorCode: ev.ErrorCode,
		})
	}
	return out
}
