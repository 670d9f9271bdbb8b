package ui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"kmslab/awsops"
	"kmslab/awsops/ledger"
)

// common is the context every component shares: size, styles, keys, the
// markdown cache and what the run is (mode, names, identity). Components keep
// their own copy and receive a new one through SetSize or setCommon when the
// root re-lays out or restyles, as soft-serve's common.Common does.
type common struct {
	width, height int
	styles        *Styles
	// keys is the walkthrough's one KeyMap. The root enables on it the keys
	// that do something on the current screen (updateKeybindings) before a key
	// press is matched, so a disabled key stops matching, and help shows it.
	keys    *KeyMap
	md      *mdCache
	mdStyle string
	run     runInfo
}

// runInfo is what every screen may say about the run.
type runInfo struct {
	mode     Mode
	names    ledger.Names
	identity awsops.Identity
	endpoint string
	lab      *awsops.Lab // for the ledger's path; nil in tests
	saveDir  string      // where c saves a step's commands; "" for the temporary directory
	warnings []string    // Options.Warnings
	remote   bool        // Options.Remote: no host files, no external editor
	onEvent  func(Event) // Options.OnEvent
	course   string      // the id of the lab walked, for Event.Lab
}

func (c common) section(title string) string {
	return c.styles.Section.Render("▌ " + title)
}

// proseWidth is the widest a paragraph is set: lines of about 100 columns
// read well; on a 200-column terminal prose would otherwise run 170 wide.
const proseWidth = 100

// markdown renders md at w columns, or proseWidth when w is wider.
func (c common) markdown(md string, w int) string {
	return c.md.render(md, min(w, proseWidth), c.mdStyle)
}

// component is what every screen and every result view is: a value with a
// size, a view and the keys it answers to (soft-serve's common.Component,
// bubbles' list). Update is on each concrete type, returning that type.
type component interface {
	help.KeyMap
	SetSize(w, h int)
	View() string
}

// noKeys is the help of a component without keys of its own.
type noKeys struct{}

func (noKeys) ShortHelp() []key.Binding  { return nil }
func (noKeys) FullHelp() [][]key.Binding { return nil }

// ProgressFeed carries awsops progress reports (waits, retries) from the
// goroutine running a step into the program. Pass Report as
// awsops.Options.Progress and the feed as Options.Progress.
type ProgressFeed struct {
	ch chan awsops.Progress
}

// NewProgressFeed returns an empty feed.
func NewProgressFeed() *ProgressFeed {
	return &ProgressFeed{ch: make(chan awsops.Progress, 16)}
}

// listen waits for the next report. It is armed again on every report, so
// one listener runs for the program's life; a nil feed has none.
func (f *ProgressFeed) listen() tea.Cmd {
	if f == nil {
		return nil
	}
	return func() tea.Msg { return progressMsg{p: <-f.ch} }
}

// Report queues p without ever blocking the AWS call that reports it: when the
// screen is behind, the oldest report is dropped, since only the latest matters.
func (f *ProgressFeed) Report(p awsops.Progress) {
	if f == nil {
		return
	}
	for {
		select {
		case f.ch <- p:
			return
		default:
			select {
			case <-f.ch:
			default:
			}
		}
	}
}
