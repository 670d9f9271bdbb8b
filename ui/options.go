package ui

import (
	"context"
	"os"
	"path/filepath"

	"kmslab/awsops"
	"kmslab/awsops/ledger"
	"kmslab/steps"
)

// Mode says where the lab runs.
type Mode int

// Modes.
const (
	Offline Mode = iota // the in-process simulated AWS
	AWS                 // a real AWS account (or a compatible endpoint)
)

// Options configure the walkthrough.
type Options struct {
	// Course is the lab walked through: its intro, steps and experiments
	// (steps.KMS()). Lab is the AWS session it runs on.
	Course steps.Lab
	// Labs, when more than one, are offered on the welcome screen to choose
	// from (the cursor on Course), unless FixedLab (--lab) says Course is
	// the one. A lab's summary can start the lab its NextID names in the
	// same session (awsops.Lab.NextRun) when it is one of Labs.
	Labs     []steps.Lab
	FixedLab bool
	Lab      *awsops.Lab
	Identity awsops.Identity
	// Names are the run's resource names; default Lab.Names().
	Names ledger.Names
	Mode  Mode
	// Endpoint is the custom endpoint URL in AWS mode (--endpoint-url), empty
	// for AWS itself; default: the one the lab's ledger records. The screens
	// then name it instead of promising real resources and real costs.
	Endpoint string
	// Warnings are what the permissions check before the run could not
	// settle (a federated caller, MFA it cannot see): the confirmation
	// screen says them, where they are read before anything is created.
	Warnings []string
	// Extras, offline only, enables the at-rest and audit-trail panels.
	Extras Extras
	// Progress delivers awsops progress reports to the status line.
	Progress *ProgressFeed
	// Width and Height are the initial size, until the terminal reports its
	// own. Without them the walkthrough draws nothing until it does (Bubble
	// Tea sends a WindowSizeMsg at start).
	Width, Height int
	// Dark forces a light (false) or dark (true) palette; nil asks the terminal.
	Dark *bool
	// NoColor drops all colors; New also honours the NO_COLOR environment
	// variable, but not for a Remote learner, whose session (its PTY and
	// environment) decides.
	NoColor bool
	// Context is the parent of every step's context; default Background.
	Context context.Context
	// SaveDir is where c saves a step's commands; default: beside the
	// run's ledger, or the temporary directory when there is none.
	SaveDir string
	// OnEvent, when set, hears where the learner goes and what they predict
	// (events.go); it is called from Update and must not block.
	OnEvent func(Event)
	// Remote says the learner is not at this host (kmslab workshop, over
	// SSH): copy goes by OSC 52 only, never to a file here, and the policy
	// editor is the built-in one, never $VISUAL or $EDITOR.
	Remote bool
}

// runInfo is what every screen may say about the run.
func (o Options) runInfo() runInfo {
	return runInfo{mode: o.Mode, names: o.Names, identity: o.Identity, endpoint: o.Endpoint, lab: o.Lab, saveDir: o.SaveDir,
		warnings: o.Warnings, remote: o.Remote, onEvent: o.OnEvent, course: o.Course.ID}
}

// withDefaults fills in what o leaves out and drops what its mode cannot use.
func (o Options) withDefaults() Options {
	if o.Context == nil {
		o.Context = context.Background()
	}
	if o.Names == (ledger.Names{}) && o.Lab != nil {
		o.Names = o.Lab.Names()
	}
	if o.Mode == AWS {
		o.Extras = nil // the panels describe the simulator; AWS cannot show them
		if o.Endpoint == "" && o.Lab != nil {
			o.Endpoint = o.Lab.Ledger().Endpoint
		}
	} else {
		o.Endpoint = ""
	}
	if _, ok := os.LookupEnv("NO_COLOR"); ok && !o.Remote {
		o.NoColor = true
	}
	if o.SaveDir == "" && o.Lab != nil && o.Lab.LedgerPath() != "" {
		o.SaveDir = filepath.Dir(o.Lab.LedgerPath())
	}
	return o
}
