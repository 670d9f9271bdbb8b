package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"kmslab/awsops"
	"kmslab/awsops/policydoc"
	"kmslab/steps"
)

// expPhase is where the Experiments screen stands; switches over it are exhaustive.
type expPhase int

const (
	expList    expPhase = iota // the what-ifs, one selected
	expSetup                   // one experiment's setup, waiting for a prediction
	expEditing                 // own-policy: the textarea is open
	expRunning                 // the change is being made, probed and restored
	expResult                  // prediction, result, diff, trace, restore
)

// expRecord is what the learner predicted and what happened.
type expRecord struct {
	predicted awsops.Decision
	outcome   steps.ExperimentOutcome
	done      bool
}

// right reports whether the prediction matched AWS's decision.
func (r expRecord) right(x steps.Experiment) bool {
	return r.done && r.predicted != "" && r.predicted == r.outcome.Actual(x)
}

// Messages of the Experiments screen, addressed to it: they may come back
// after the learner left it (quitting into cleanup), and it keeps them for
// their return.
type (
	// expStartedMsg: the runner took the experiment, with the learner's prediction.
	expStartedMsg struct {
		index     int
		predicted awsops.Decision
	}
	expDoneMsg struct {
		index int
		out   steps.ExperimentOutcome
	}
	// policyLoadedMsg brings the current key policy to edit.
	policyLoadedMsg struct {
		text string
		err  error
	}
	// editorDoneMsg is the external editor's exit; the file holds the policy.
	editorDoneMsg struct {
		path string
		err  error
	}
)

func (expStartedMsg) to() screen   { return screenExperiments }
func (expDoneMsg) to() screen      { return screenExperiments }
func (policyLoadedMsg) to() screen { return screenExperiments }
func (editorDoneMsg) to() screen   { return screenExperiments }

// experimentsView is the screen after the last part listing the what-ifs:
// the learner picks one, predicts allowed or denied, kmslab runs it for
// real, shows result, diff and trace, and restores the lab's baseline.
type experimentsView struct {
	pane
	c    common
	list []steps.Experiment
	// baseline names the state each experiment starts from and restores.
	baseline string
	// cached names what the lab's experiments may wait out (steps.Lab.Cached).
	cached  string
	records []expRecord
	cursor  int
	phase   expPhase
	waiting string

	policy    string // own-policy: the learner's policy, once valid
	policyErr string // why the last saved policy was refused
	area      textarea.Model

	// ctx is the key policy's read's; exec runs an experiment (default:
	// x.Run on the lab), as a job of the root's runner.
	ctx  context.Context
	exec func(ctx context.Context, x steps.Experiment, policy string) steps.ExperimentOutcome
	// keyPolicy reads the key policy the editor starts from (default: the lab's).
	keyPolicy func(ctx context.Context) (string, error)
	// editor is $VISUAL or $EDITOR; empty opens the textarea instead.
	editor string
}

func newExperimentsView(c common, course steps.Lab, ctx context.Context) experimentsView {
	list := course.NumberedExperiments()
	v := experimentsView{pane: newPane(c), c: c, list: list, baseline: course.Baseline(), cached: course.Cached, records: make([]expRecord, len(list)), ctx: ctx}
	v.editor = os.Getenv("VISUAL")
	if v.editor == "" {
		v.editor = os.Getenv("EDITOR")
	}
	v.exec = func(ctx context.Context, x steps.Experiment, policy string) steps.ExperimentOutcome {
		if v.c.run.lab == nil {
			return steps.ExperimentOutcome{Problems: []string{"no lab to run on"}}
		}
		return x.Run(ctx, v.c.run.lab, policy)
	}
	v.keyPolicy = func(ctx context.Context) (string, error) {
		if v.c.run.lab == nil {
			return "", errors.New("no lab to read the key policy from")
		}
		return v.c.run.lab.GetKeyPolicy(ctx)
	}
	v.area = textarea.New()
	v.area.ShowLineNumbers = true
	v.area.CharLimit = 0
	return v
}

func (v *experimentsView) setCommon(c common) {
	v.c, v.pane.c = c, c
	if c.styles != nil {
		v.area.SetStyles(editorStyles(*c.styles))
	}
}

// editorStyles draw the policy editor in the walkthrough's palette: the
// textarea's defaults dim the text when blurred and tint the cursor line
// in a light grey that a dark terminal shows as grey on grey. The cursor
// does not blink: a blink is a redraw twice a second for nothing.
func editorStyles(st Styles) textarea.Styles {
	s := textarea.DefaultStyles(true)
	state := textarea.StyleState{
		Base: lipgloss.NewStyle(), Text: st.App, CursorLine: st.App,
		LineNumber: st.Muted, CursorLineNumber: st.Accent, EndOfBuffer: st.Muted,
		Placeholder: st.Muted, Prompt: st.TableEdge, Selection: lipgloss.NewStyle().Reverse(true),
	}
	s.Focused, s.Blurred = state, state
	s.Cursor.Blink = false
	return s
}

// SetSize lays the screen out again.
func (v *experimentsView) SetSize(w, h int) {
	v.pane.SetSize(w, h)
	v.refresh(false)
}

// sizeArea fits the textarea under the editor's heading and error.
func (v *experimentsView) sizeArea() {
	above := 1
	if v.policyErr != "" {
		above += len(strings.Split(wrapText("✗ "+v.policyErr, v.contentWidth(), "/:"), "\n"))
	}
	v.area.SetWidth(max(v.contentWidth(), 10))
	v.area.SetHeight(max(v.height-above, 3))
}

// capturing reports whether keys go to the textarea rather than the walkthrough.
func (v experimentsView) capturing() bool { return v.phase == expEditing }

func (v experimentsView) busy() bool { return v.phase == expRunning }

// score is "n of m predictions right", "" before any experiment ran.
func (v experimentsView) score() string {
	ran, right := 0, 0
	for i, r := range v.records {
		if r.done && r.predicted != "" {
			ran++
			if r.right(v.list[i]) {
				right++
			}
		}
	}
	if ran == 0 {
		return ""
	}
	return fmt.Sprintf("%d of %d predictions right", right, ran)
}

// lessons are the experiments run with a prediction, for the summary's recap.
func (v experimentsView) lessons() []lesson {
	var out []lesson
	for i, r := range v.records {
		if !r.done || r.predicted == "" || i >= len(v.list) {
			continue
		}
		x := v.list[i]
		out = append(out, lesson{title: x.Title, text: x.Why, wrong: !r.right(x), predicted: r.predicted, actual: r.outcome.Actual(x)})
	}
	return out
}

// Update handles the screen's keys and its messages.
func (v experimentsView) Update(msg tea.Msg) (experimentsView, tea.Cmd) {
	switch msg := msg.(type) {
	case expStartedMsg: // the one place a prediction is recorded
		v.records[msg.index] = expRecord{predicted: msg.predicted}
		v.c.run.emit(Event{Kind: EventPredicted, Experiment: v.list[msg.index].ID, Predicted: msg.predicted})
		v.phase = expRunning
		v.waiting = ""
		v.refresh(true)
		return v, nil
	case expDoneMsg: // the one place an experiment completes
		if msg.index >= len(v.records) {
			return v, nil
		}
		r := &v.records[msg.index]
		r.outcome, r.done = msg.out, true
		v.c.run.emit(Event{Kind: EventResult, Experiment: v.list[msg.index].ID, Predicted: r.predicted, Actual: msg.out.Actual(v.list[msg.index])})
		v.phase = expResult
		v.refresh(true)
		return v, nil
	case policyLoadedMsg:
		return v.startEditing(msg)
	case editorDoneMsg:
		return v.editorDone(msg)
	case progressMsg:
		if v.phase == expRunning {
			v.waiting = msg.p.String()
			v.refresh(false)
		}
		return v, nil
	case tea.KeyPressMsg:
		return v.handleKey(msg)
	}
	if v.phase == expEditing {
		var cmd tea.Cmd
		v.area, cmd = v.area.Update(msg)
		return v, cmd
	}
	var cmd tea.Cmd
	v.pane, cmd = v.pane.Update(msg)
	return v, cmd
}

func (v experimentsView) handleKey(k tea.KeyPressMsg) (experimentsView, tea.Cmd) {
	keys := v.c.keys
	switch v.phase {
	case expList:
		switch {
		case key.Matches(k, keys.Up):
			v.cursor = (v.cursor + len(v.list) - 1) % len(v.list)
		case key.Matches(k, keys.Down):
			v.cursor = (v.cursor + 1) % len(v.list)
		case key.Matches(k, keys.Next):
			v.phase = expSetup
			v.policyErr = ""
			v.refresh(true)
			return v, nil
		case key.Matches(k, keys.Back), key.Matches(k, keys.Cancel):
			return v, request(navMsg{to: screenStep, cur: -1})
		default:
			v.pane, _ = v.pane.handleKey(k)
			return v, nil
		}
		v.refresh(false)
		return v, nil
	case expSetup:
		x := v.list[v.cursor]
		switch {
		case key.Matches(k, keys.PredictAllow), key.Matches(k, keys.PredictDeny):
			if x.YourPolicy && v.policy == "" {
				return v, request(flashMsg("Write your policy first: press Enter."))
			}
			d := awsops.Allowed
			if key.Matches(k, keys.PredictDeny) {
				d = awsops.Refused
			}
			return v, request(runJobMsg{v.job(d)})
		case key.Matches(k, keys.Next) && x.YourPolicy:
			return v, v.loadPolicy()
		case key.Matches(k, keys.Back), key.Matches(k, keys.Cancel):
			v.phase = expList
			v.refresh(true)
			return v, nil
		}
	case expEditing:
		switch {
		case key.Matches(k, keys.Save):
			return v.saveArea()
		case key.Matches(k, keys.Cancel):
			v.phase = expSetup
			v.refresh(true)
			return v, nil
		}
		var cmd tea.Cmd
		v.area, cmd = v.area.Update(k)
		return v, cmd
	case expRunning:
		// Nothing to decide while AWS is being changed; scrolling still works.
	case expResult:
		switch {
		case key.Matches(k, keys.Next), key.Matches(k, keys.Back), key.Matches(k, keys.Cancel):
			v.phase = expList
			if v.cursor+1 < len(v.list) && key.Matches(k, keys.Next) {
				v.cursor++ // Enter walks on to the next what-if
			}
			v.refresh(true)
			return v, nil
		}
	}
	v.pane, _ = v.pane.handleKey(k)
	return v, nil
}

// job runs the selected experiment with the learner's prediction.
func (v experimentsView) job(predicted awsops.Decision) job {
	i, x, policy, exec := v.cursor, v.list[v.cursor], v.policy, v.exec
	return job{step: -1, started: expStartedMsg{index: i, predicted: predicted}, do: func(ctx context.Context, _ int) tea.Msg {
		return expDoneMsg{index: i, out: exec(ctx, x, policy)}
	}}
}

// loadPolicy fetches the key policy as it stands, the starting point of the edit.
func (v experimentsView) loadPolicy() tea.Cmd {
	if v.policy != "" {
		p := v.policy
		return func() tea.Msg { return policyLoadedMsg{text: p} }
	}
	read, ctx := v.keyPolicy, v.ctx
	return func() tea.Msg {
		if ctx == nil {
			ctx = context.Background()
		}
		p, err := read(ctx)
		return policyLoadedMsg{text: p, err: err}
	}
}

// startEditing opens $VISUAL/$EDITOR on a file holding the policy, or the
// textarea when neither is set.
func (v experimentsView) startEditing(msg policyLoadedMsg) (experimentsView, tea.Cmd) {
	if msg.err != nil {
		v.policyErr = msg.err.Error()
		v.refresh(false)
		return v, nil
	}
	if v.editor == "" || v.c.run.remote {
		v.phase = expEditing
		v.area.SetValue(msg.text)
		v.area.MoveToBegin()
		cmd := v.area.Focus()
		v.refresh(false)
		return v, cmd
	}
	f, err := os.CreateTemp("", "kmslab-key-policy-*.json")
	if err != nil {
		v.policyErr = "could not create a file to edit: " + err.Error()
		v.refresh(false)
		return v, nil
	}
	_, werr := f.WriteString(msg.text + "\n")
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		v.policyErr = "could not write the policy to edit: " + werr.Error()
		v.refresh(false)
		return v, nil
	}
	args := strings.Fields(v.editor)
	c := exec.Command(args[0], append(args[1:], f.Name())...) //nolint:gosec // the learner's own editor
	path := f.Name()
	return v, tea.ExecProcess(c, func(err error) tea.Msg { return editorDoneMsg{path: path, err: err} })
}

func (v experimentsView) editorDone(msg editorDoneMsg) (experimentsView, tea.Cmd) {
	defer os.Remove(msg.path)
	if msg.err != nil {
		v.policyErr = "the editor failed: " + msg.err.Error()
		v.refresh(false)
		return v, nil
	}
	b, err := os.ReadFile(msg.path)
	if err != nil {
		v.policyErr = "could not read the edited policy: " + err.Error()
		v.refresh(false)
		return v, nil
	}
	return v.accept(string(b))
}

func (v experimentsView) saveArea() (experimentsView, tea.Cmd) {
	v, cmd := v.accept(v.area.Value())
	if v.policyErr != "" {
		v.phase = expEditing // stay in the editor, the error above it
		v.refresh(false)
	}
	return v, cmd
}

// accept validates an edited policy: valid, it becomes the experiment's
// policy; invalid, the error and its line are shown.
func (v experimentsView) accept(text string) (experimentsView, tea.Cmd) {
	if err := policydoc.ValidateKeyPolicy(text); err != nil {
		v.policyErr = err.Error()
		v.refresh(false)
		return v, nil
	}
	v.policy, v.policyErr = strings.TrimSpace(text), ""
	v.phase = expSetup
	v.area.Blur()
	v.refresh(true)
	return v, nil
}

// ShortHelp lists what answers in the current phase.
func (v experimentsView) ShortHelp() []key.Binding {
	k := v.c.keys
	switch v.phase {
	case expList:
		return []key.Binding{k.Next, k.Up, k.Down, k.Back}
	case expSetup:
		if v.list[v.cursor].YourPolicy && v.policy == "" {
			return []key.Binding{k.Next, k.Back}
		}
		return []key.Binding{k.PredictAllow, k.PredictDeny, k.Back}
	case expEditing:
		return []key.Binding{k.Save, k.Cancel}
	case expRunning:
		return nil
	case expResult:
		return []key.Binding{k.Next, k.Back}
	}
	return nil
}

// FullHelp adds scrolling.
func (v experimentsView) FullHelp() [][]key.Binding {
	return [][]key.Binding{v.ShortHelp(), v.c.keys.scrollBindings()}
}

func (v experimentsView) hint() string {
	switch v.phase {
	case expList:
		return "Pick a what-if with ↑/↓ and Enter; ← goes back to the lab."
	case expSetup:
		if v.list[v.cursor].YourPolicy && v.policy == "" {
			return "Press Enter to write your key policy."
		}
		return "Predict: a for allowed, d for denied."
	case expEditing:
		return "Ctrl+S checks and keeps the policy; Esc cancels."
	case expRunning:
		return "Changing the lab for real, then restoring it…"
	case expResult:
		return "Enter for the list (next what-if selected)."
	}
	return ""
}

// View draws the textarea while editing, the pane otherwise.
func (v experimentsView) View() string { return strings.Join(v.visible(), "\n") }

// visible is the policy editor while editing (the root draws it in the
// pane's place), the pane otherwise: a heading, the last refusal (kept
// until the policy is accepted, above the learner's own text), the
// textarea.
func (v experimentsView) visible() []string {
	if v.phase != expEditing {
		return v.pane.visible()
	}
	st := v.c.styles
	lines := []string{st.Bold.Render("Your key policy")}
	if v.policyErr != "" {
		lines = append(lines, strings.Split(st.Error.Render(wrapText("✗ "+v.policyErr, v.contentWidth(), "/:")), "\n")...)
	}
	lines = append(lines, strings.Split(v.area.View(), "\n")...)
	out := make([]string, v.height)
	for i := range out {
		l := ""
		if i < len(lines) {
			l = ansi.Truncate(lines[i], v.width, "")
		}
		out[i] = l + v.blank[:max(v.width-ansi.StringWidth(l), 0)]
	}
	return out
}

func (v *experimentsView) refresh(top bool) {
	if v.c.styles == nil || len(v.list) == 0 {
		return
	}
	v.sizeArea()
	var out []string
	result := -1
	switch v.phase {
	case expList:
		out = v.listLines()
	case expSetup, expEditing:
		out = v.setupLines()
	case expRunning:
		out = append(v.setupLines(), "", v.c.styles.Accent.Render("Running: "+orDefault(v.waiting, "making the change, reading as the test user…")))
	case expResult:
		out = v.setupLines()
		// The pane wraps what it is given: count the result's line after wrapping.
		result = len(strings.Split(ansi.Wrap(strings.Join(out, "\n"), v.contentWidth(), ""), "\n"))
		out = append(out, v.resultLines()...)
	}
	v.setSections(out, result, top)
	if v.phase == expResult && top {
		v.showResult()
	}
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func (v experimentsView) listLines() []string {
	st := v.c.styles
	out := []string{st.Section.UnsetMarginTop().Render("▌ Experiments · what if…"),
		st.Muted.Render("Each one changes the lab for real, runs the read, shows why, then restores " + v.baseline + "."), ""}
	for i, x := range v.list {
		cur := "  "
		if i == v.cursor {
			cur = st.Accent.Render("▸ ")
		}
		mark := st.Muted.Render("·")
		r := v.records[i]
		switch {
		case r.done && r.right(x):
			mark = st.OK.Render("✓")
		case r.done:
			mark = st.Error.Render("✗")
		}
		title := fmt.Sprintf("%d. %s", x.Number, x.Title)
		if i == v.cursor {
			title = st.Bold.Render(title)
		}
		line := cur + mark + " " + title
		if r.done {
			line += st.Muted.Render(fmt.Sprintf("  predicted %s, AWS %s", r.predicted, orDefault(string(r.outcome.Actual(x)), "did not decide")))
		}
		out = append(out, line)
	}
	if s := v.score(); s != "" {
		out = append(out, "", st.Bold.Render("Score: "+s))
	}
	return out
}

func (v experimentsView) setupLines() []string {
	st := v.c.styles
	x := v.list[v.cursor]
	w := v.contentWidth()
	out := []string{st.Section.UnsetMarginTop().Render(fmt.Sprintf("▌ Experiment %d · %s", x.Number, x.Title)),
		wrapText(x.Setup, w, "/:"), "", st.Bold.Render("Change: ") + x.Change}
	if x.YourPolicy {
		switch {
		case v.policyErr != "":
			out = append(out, "", st.Error.Render("✗ Not applied: "+v.policyErr))
		case v.policy != "":
			out = append(out, "", st.OK.Render("✓ Your policy is valid and ready to apply."))
		}
	}
	out = append(out, "", st.Bold.Render("Predict "+x.PredictWhat()+":")+" "+st.Key.Render("a")+" allowed · "+st.Key.Render("d")+" denied")
	// Laid out as the parts' commands are: broken before options, never mid-word.
	out = append(out, v.c.section("AWS CLI"), cliBlock(*st, x.CLI(v.c.run.names, v.c.run.identity), w))
	return out
}

func (v experimentsView) resultLines() []string {
	st := v.c.styles
	x := v.list[v.cursor]
	r := v.records[v.cursor]
	o := r.outcome
	w := v.contentWidth()
	out := []string{v.c.section("Result")}
	actual := o.Actual(x)
	switch {
	case actual == "":
		out = append(out, st.Error.Render("✗ The experiment did not reach a decision."))
	case r.right(x):
		out = append(out, st.OK.Render(fmt.Sprintf("✓ You predicted %s: right.", r.predicted)))
	default:
		out = append(out, st.Error.Render(fmt.Sprintf("✗ You predicted %s; AWS: %s.", r.predicted, actual)))
	}
	if o.Err != nil {
		out = append(out, st.Error.Render(wrapText(o.Err.Error(), w, "/:")))
	}
	for _, p := range o.Trial.Probes {
		mark := st.OK.Render("✓ allowed")
		if p.Decision != awsops.Allowed {
			mark = st.Error.Render("✗ denied ")
		}
		call := p.Call
		if p.Status != "" {
			call += " (table " + p.Status + ")"
		}
		if p.Code != "" {
			call += ": " + p.Code
		}
		// The call wraps under itself, beside its mark, in full color: a
		// line starting at the margin read as a new result.
		const hang = "           " // the mark's width and two spaces
		out = append(out, mark+"  "+strings.ReplaceAll(wrapText(call, max(w-len(hang), 10), "/:"), "\n", "\n"+hang))
		if p.Note != "" {
			// Full color, wrapped under itself: a note is part of the
			// result, and a dim continuation is unreadable on a projector.
			out = append(out, "   "+strings.ReplaceAll(wrapText(p.Note, max(w-3, 10), "/:"), "\n", "\n   "))
		}
		out = append(out, probeWhy(w, p)...)
	}
	if o.Trial.CacheTTL > 0 && v.cached != "" {
		out = append(out, wrapText(v.cached+": "+o.Trial.CacheTTL.String()+" ("+steps.CacheWait(v.c.run.mode == Offline)+")", w, "/:"))
	}
	out = append(out, "", st.Bold.Render("Lesson: ")+strings.ReplaceAll(wrapText(x.Why, max(w-8, 10), "/:"), "\n", "\n        "))
	for _, d := range o.Trial.Diffs {
		out = append(out, v.c.section("What changed · "+d.Label))
		if d.Policy != nil {
			out = append(out, policyDiff(*st, w, *d.Policy))
			continue
		}
		for _, l := range strings.Split(strings.TrimRight(d.Text, "\n"), "\n") {
			switch {
			case strings.HasPrefix(l, "+++") || strings.HasPrefix(l, "---"):
				l = st.DiffHeader.Render(l)
			case strings.HasPrefix(l, "@@"):
				l = st.DiffHunk.Render(l)
			case strings.HasPrefix(l, "+"):
				l = st.DiffAdd.Render(l)
			case strings.HasPrefix(l, "-"):
				l = st.DiffDel.Render(l)
			}
			out = append(out, l)
		}
	}
	out = append(out, predictedTrace(v.c, w, x, o.Trial)...)
	for _, n := range o.Trial.Notes {
		out = append(out, "", wrapText(n, w, "/:"))
	}
	out = append(out, "")
	if o.Trial.Restored {
		out = append(out, st.OK.Render("✓ Restored "+v.baseline+" and read it back equal."))
	} else {
		out = append(out, st.Error.Render(wrapText("✗ Not restored: "+orDefault(o.Trial.Mismatch, "the run stopped before restoring"), w, "/:")))
	}
	for _, p := range o.Problems {
		out = append(out, st.Error.Render(wrapText("✗ Not as on AWS: "+p, w, "/:")))
	}
	return out
}

func (v *experimentsView) enter(*walk) { v.refresh(true) }

func (v *experimentsView) setKeys(k *KeyMap, _ *walk) {
	enable(&k.Next, &k.Cancel)
	k.Back.SetEnabled(!v.busy())
	k.PredictAllow.SetEnabled(v.phase == expSetup)
	k.PredictDeny.SetEnabled(v.phase == expSetup)
	k.Save.SetEnabled(v.phase == expEditing)
}

// place: the what-ifs stand at the step they were opened from.
func (v experimentsView) place() place { return placeStep }

func (v experimentsView) header() (string, string) { return "Experiments", "what if…" }

func (v experimentsView) location() string { return "Experiments" }
