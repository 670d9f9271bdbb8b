package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/spf13/cobra"

	"kmslab/recording"
	"kmslab/tape"
)

func newRecordCmd() *cobra.Command {
	var fast, verbose bool
	cmd := &cobra.Command{
		// The tape argument is in Long: "record [TAPE]" would widen the name
		// column of the root's help past 80 columns for every command.
		Use:   "record",
		Short: "Film a VHS tape as asciicast and animated SVG",
		Long: `record [TAPE] plays a VHS tape (default demo.tape) against kmslab in a virtual terminal,
as VHS would: it types at the tape's TypingSpeed, keeps its Sleeps, and waits for each
Wait pattern. It writes what the tape's Output lines ask for, .cast (asciicast v2, for
asciinema's player or agg) and .svg (animated, text not pixels, fit for a README), and
each Screenshot as a still .svg. The theme, font size and padding come from the tape's
Set lines.

The files are timed by the tape's clock, not the wall's: with --fast, which skips the
pauses, they are the same bytes. With kmslab --seed 1 in the tape, every recording is.`,
		Example: `# the README's pictures
kmslab record --fast
# another tape, in real time
kmslab record talk.tape`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := "demo.tape"
			if len(args) == 1 {
				path = args[0]
			}
			src, err := os.ReadFile(path)
			if errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("there is no tape at %s: name one (kmslab record talk.tape), or run this where demo.tape is", path)
			}
			if err != nil {
				return fmt.Errorf("read the tape: %w", err)
			}
			cmds, err := tape.Parse(string(src))
			if err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			bin, err := os.Executable()
			if err != nil {
				return fmt.Errorf("find kmslab's own binary to film: %w", err)
			}
			o := recording.Options{Bin: bin, Fast: fast, Title: recording.TitleOf(path)}
			if verbose {
				o.Logf = func(format string, a ...any) { fmt.Fprintf(cmd.ErrOrStderr(), format+"\n", a...) }
			}
			start := time.Now()
			rep, err := recording.Record(cmd.Context(), cmds, o)
			if errors.Is(err, context.Canceled) && len(rep.Written) == 0 {
				return fmt.Errorf("recording %s was interrupted before any file was written", path)
			}
			if err != nil {
				return fmt.Errorf("record %s: %w", path, err)
			}
			out := cmd.OutOrStdout()
			for _, w := range rep.Written {
				fmt.Fprintf(out, "wrote    %s\n", w)
			}
			for _, s := range rep.Skipped {
				fmt.Fprintf(out, "skipped  %s\n", s)
			}
			fmt.Fprintf(out, "recorded %s: a %s film in %s\n", path, rep.Length.Round(100*time.Millisecond), time.Since(start).Round(100*time.Millisecond))
			return nil
		},
	}
	cmd.Flags().BoolVar(&fast, "fast", false, "skip the tape's pauses; the files come out the same")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "print each tape command as it is played")
	return cmd
}
