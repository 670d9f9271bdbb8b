// Package steps is the lab as data and behaviour: each part of the
// walkthrough is a Step with a title, an explanation in markdown, the
// equivalent AWS CLI commands and a Run that performs it through awsops.
package steps

import (
	"context"
	"embed"
	"fmt"
	"strings"

	"kmslab/awsops"
	"kmslab/awsops/ledger"
)

//go:embed text/*.md
var texts embed.FS

// text returns an embedded explanation; the files ship with the binary, so a
// missing one is a build mistake caught by the tests.
func text(name string) string {
	b, err := texts.ReadFile("text/" + name + ".md")
	if err != nil {
		return ""
	}
	return string(b)
}

// Status is where a step stands.
type Status int

// Step states. DeniedAsExpected is part 5's success: the test user was refused.
const (
	Pending Status = iota
	Running
	Done
	DeniedAsExpected
	Failed
)

// String names the status.
func (s Status) String() string {
	switch s {
	case Pending:
		return "pending"
	case Running:
		return "running"
	case Done:
		return "done"
	case DeniedAsExpected:
		return "denied as expected"
	case Failed:
		return "failed"
	}
	return "unknown"
}

// Succeeded reports whether the step reached the state the lab wants.
func (s Status) Succeeded() bool { return s == Done || s == DeniedAsExpected }

// Kind says what role a step plays in the walkthrough.
type Kind int

// Step kinds. Parts are numbered and counted ("Part 2 of 6"); experiments
// come after the parts and before cleanup, unnumbered; cleanup comes last.
const (
	KindPart Kind = iota
	KindExperiment
	KindCleanup
)

// Step is one part of the walkthrough. It carries every fact a screen needs
// about it, so that no renderer keeps a table keyed by step ID.
type Step struct {
	Part  int    // 1..6 for parts; 7 for cleanup, after them
	Kind  Kind   // part, experiment or cleanup
	ID    string // stable, e.g. "create-key"
	Title string
	// Short is the title where room is tight (the TUI's sidebar): short enough
	// to fit whole, since "Create a custom…" and "Create a test u…" read alike
	// from the back of a room. Empty means Title.
	Short   string
	Explain string // markdown, shown beside the step
	// CLI returns the AWS CLI commands that do the same thing, for the curious.
	CLI func(ledger.Names, awsops.Identity) []string
	// Run performs the step. It never panics; a failure is Outcome{Status: Failed, Err}.
	Run func(ctx context.Context, lab *awsops.Lab) Outcome
	// Check says why an outcome is not what the lab must reach at this
	// step, or ""; nil means the step must simply be Done.
	Check func(Outcome) string
	// Needs are the IAM actions Run calls as the admin (needs.go).
	Needs []string
}

// IsCleanup reports whether the step removes what the others created.
func (s Step) IsCleanup() bool { return s.Kind == KindCleanup }

// ShortTitle is the title where room is tight.
func (s Step) ShortTitle() string {
	if s.Short != "" {
		return s.Short
	}
	return s.Title
}

// PartCount is how many numbered parts all has ("Part 2 of 6").
func PartCount(all []Step) int {
	n := 0
	for _, s := range all {
		if s.Kind == KindPart {
			n++
		}
	}
	return n
}

// All returns parts 1 to 6 then cleanup, in order.
func All() []Step {
	steps := []Step{part1(), part2(), part3(), part4(), part5(), part6(), cleanup()}
	for i := range steps {
		steps[i].Run = recovered(steps[i].Run)
	}
	return steps
}

// ByID finds a step by its ID.
func ByID(id string) (Step, bool) {
	for _, s := range All() {
		if s.ID == id {
			return s, true
		}
	}
	return Step{}, false
}

func failed(err error) Outcome { return Outcome{Status: Failed, Err: err, Summary: err.Error()} }

// recovered turns a panic in a step into a Failed outcome, so one bug cannot
// take the whole walkthrough down.
func recovered(run func(context.Context, *awsops.Lab) Outcome) func(context.Context, *awsops.Lab) Outcome {
	return func(ctx context.Context, lab *awsops.Lab) (out Outcome) {
		defer func() {
			if r := recover(); r != nil {
				out = failed(fmt.Errorf("internal error: %v", r))
			}
		}()
		if lab == nil {
			return failed(fmt.Errorf("no lab to run on"))
		}
		return run(ctx, lab)
	}
}

// arnParts returns the partition and account to show in CLI commands,
// with placeholders before the identity is known.
func arnParts(id awsops.Identity) (partition, account string) {
	partition, account = "aws", "<account-id>"
	if p := strings.SplitN(id.ARN, ":", 3); len(p) == 3 && p[1] != "" {
		partition = p[1]
	}
	if id.Account != "" {
		account = id.Account
	}
	return partition, account
}

// count says "1 item" or "3 items": summaries are read aloud by presenters.
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
