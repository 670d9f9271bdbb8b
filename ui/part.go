package ui

import (
	"errors"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"kmslab/awsops"
	"kmslab/awsops/awserr"
	"kmslab/steps"
)

// partView is the screen of one step (a part, an experiment or cleanup): its
// explanation, the AWS CLI equivalent, then the result, drawn by the view
// registered for the outcome's kind of result, and the offline-only panels.
type partView struct {
	pane
	c      common
	step   steps.Step
	state  stepState
	ctx    partContext
	cli    []string
	result resultView // nil until the step produced a result
	// freshResult: result is as resultViewFor made it, no key taken since.
	freshResult bool

	showExplain bool
	panels      panels
	// atRestLine and auditLine are the content lines where the panels
	// begin (-1 when not shown), to scroll one into view when turned on.
	atRestLine, auditLine int
	// drawn keeps the blocks refresh drew last, by what they were drawn
	// from: a step's result arrives in one Update that refreshes the pane
	// up to three times (the result, its panels' reading, its snapshot),
	// and the explanation and commands stay the same for the whole step.
	drawn partDrawn
}

// partDrawn is what refresh drew last, each block with its key.
type partDrawn struct {
	introOf  introKey
	intro    []string
	resultOf resultKey
	result   string
}

// introKey is what the explanation and the commands are drawn from.
type introKey struct {
	styles      *Styles
	mdStyle     string
	width       int
	showExplain bool
	explain     string
	cli         string // the commands, joined
}

// resultKey is what a result view just made for an outcome draws from: the
// outcome (a run of a step, and how and when it ended) and the size. A view
// that has taken a key since (fresh false) is drawn every time.
type resultKey struct {
	styles          *Styles
	width, height   int
	step, run, done int
	status          status
	summary         string
	fresh           bool
}

// partContext is what the part pane needs to know beyond its own step.
type partContext struct {
	index     int  // the step's index, for the messages it sends
	last      bool // Enter after it goes to the summary
	partCount int
	waiting   string // what the running step waits for
	// lastItems are the latest items read, by part lastItemsPart, shown
	// beside their ciphertext at rest; keyID is the lab key's.
	lastItems     []awsops.Item
	lastItemsPart int
	keyID         string
	// history is the step's snapshot of the panels when a later step ran
	// since (going back after cleanup shows each step as it was); nil: live.
	history *extrasMsg
}

func newPartView(c common, x Extras) partView {
	return partView{pane: newPane(c), c: c, showExplain: true, panels: newPanels(c, x)}
}

func (v *partView) setCommon(c common) {
	v.c, v.pane.c = c, c
	v.panels.setCommon(c)
	if v.result != nil {
		v.result = resultViewFor(c, v.state.outcome.Result)
		v.freshResult = true
	}
}

// SetSize lays the content out again for the new size.
func (v *partView) SetSize(w, h int) {
	v.pane.SetSize(w, h)
	v.refresh(false)
}

// show switches to step (or updates it in place), with top starting from the
// beginning of its text.
func (v *partView) show(step steps.Step, state stepState, ctx partContext, top bool) {
	v.step, v.state, v.ctx = step, state, ctx
	v.cli = nil
	if step.CLI != nil {
		v.cli = step.CLI(v.c.run.names, v.c.run.identity)
	}
	v.result = nil
	if state.status != statusPending && state.status != statusRunning && state.outcome.Result != nil {
		v.result = resultViewFor(v.c, state.outcome.Result)
	}
	v.freshResult = true
	v.panels.items, v.panels.itemsPart, v.panels.keyID = ctx.lastItems, ctx.lastItemsPart, ctx.keyID
	v.panels.history = ctx.history
	v.refresh(top)
}

// Update answers the step's keys; other keys go to the result view, then
// scroll. Navigation is asked of the root by message.
func (v partView) Update(msg tea.Msg) (partView, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		return v.handleKey(msg)
	case extrasMsg:
		if v.panels.take(msg) {
			v.refresh(false)
		}
		return v, nil
	case progressMsg:
		v.ctx.waiting = msg.p.String()
		return v, nil
	}
	var cmd tea.Cmd
	v.pane, cmd = v.pane.Update(msg)
	return v, cmd
}

func (v partView) handleKey(msg tea.KeyPressMsg) (partView, tea.Cmd) {
	keys, st := v.c.keys, v.state.status
	switch {
	case key.Matches(msg, keys.Next):
		switch st {
		case statusPending:
			return v, request(runStepMsg{index: v.ctx.index})
		case statusRunning:
			return v, request(flashMsg("Still running: " + v.ctx.waiting))
		case statusFailed:
			return v, request(flashMsg("This step failed: press r to retry it."))
		case statusDone, statusDenied:
		}
		return v, request(nextMsg{})
	case key.Matches(msg, keys.Forward):
		switch st {
		case statusPending:
			return v, request(flashMsg("Not run yet: press Enter to run it first."))
		case statusRunning:
			return v, request(flashMsg("Still running: " + v.ctx.waiting))
		case statusFailed:
			return v, request(flashMsg("This step failed: press r to retry it before moving on."))
		case statusDone, statusDenied:
		}
		return v, request(nextMsg{})
	case key.Matches(msg, keys.Back):
		if v.ctx.index == 0 {
			return v, request(navMsg{to: screenWelcome})
		}
		return v, request(navMsg{to: screenStep, cur: v.ctx.index - 1})
	case key.Matches(msg, keys.Retry):
		return v, request(runStepMsg{index: v.ctx.index})
	case key.Matches(msg, keys.Experiments):
		return v, request(navMsg{to: screenExperiments, cur: v.ctx.index})
	case key.Matches(msg, keys.Copy):
		return v, copyCommands(v.c.run, v.step, v.cli)
	case key.Matches(msg, keys.ToggleExplain):
		v.showExplain = !v.showExplain
		v.refresh(true)
		return v, nil
	case key.Matches(msg, keys.ToggleAtRest, keys.ToggleAudit):
		if v.panels.extras == nil {
			if key.Matches(msg, keys.ToggleAtRest) {
				return v, request(flashMsg("The at-rest view exists offline only: AWS does not show stored ciphertext."))
			}
			return v, request(flashMsg("The audit panel exists offline only: on AWS, look in CloudTrail."))
		}
		atRest := key.Matches(msg, keys.ToggleAtRest)
		var on bool
		if atRest {
			v.panels.showAtRest = !v.panels.showAtRest
			on = v.panels.showAtRest
		} else {
			v.panels.showAudit = !v.panels.showAudit
			on = v.panels.showAudit
		}
		v.refresh(false)
		note := request(flashMsg(v.panelNote(atRest, on)))
		// A panel turned on is brought into view: at 80x24 it sits pages
		// below, and a key that changes nothing visible seems broken.
		if line := map[bool]int{true: v.atRestLine, false: v.auditLine}[atRest]; on && line >= 0 {
			v.pinned = false
			v.scrollTo(line)
		}
		return v, tea.Batch(note, v.panels.fetch(v.c.run.names.Table))
	}
	if v.result != nil {
		var cmd tea.Cmd
		var used bool
		if v.result, cmd, used = v.result.Update(msg); used {
			v.freshResult = false
			v.refresh(false)
			return v, cmd
		}
	}
	v.pane, _ = v.pane.handleKey(msg)
	return v, nil
}

// panelNote says what x or t just did.
func (v partView) panelNote(atRest, on bool) string {
	name, k := "Audit trail", "t"
	if atRest {
		name, k = "At-rest view", "x"
	}
	switch {
	case !on:
		return name + " hidden; " + k + " shows it again."
	case v.state.status == statusPending || v.state.status == statusRunning:
		return name + " on: it appears under the result once the step has run."
	}
	return name + " shown below the result; " + k + " hides it."
}

// ShortHelp lists the step's keys; x and t only where the panels exist.
func (v partView) ShortHelp() []key.Binding {
	k := v.c.keys
	out := []key.Binding{k.Next, k.Back, k.Retry, k.Copy}
	if v.panels.extras != nil {
		out = append(out, k.ToggleAtRest, k.ToggleAudit)
	}
	return out
}

// FullHelp lists navigation, the step's own keys and the result view's, and scrolling.
func (v partView) FullHelp() [][]key.Binding {
	k := v.c.keys
	own := []key.Binding{k.Copy, k.ToggleExplain}
	if v.panels.extras != nil {
		own = append(own, k.ToggleAtRest, k.ToggleAudit)
	}
	cols := [][]key.Binding{{k.Next, k.Forward, k.Back, k.Retry}, own}
	if v.result != nil {
		cols = append(cols, v.result.FullHelp()...)
	}
	return append(cols, k.scrollBindings())
}

// hint says what Enter does on this step.
func (v partView) hint() string {
	switch v.state.status {
	case statusPending:
		if v.step.IsCleanup() {
			return "Press Enter to remove everything this run created."
		}
		if v.step.Kind == steps.KindExperiment {
			return "Press Enter to run this experiment."
		}
		return "Press Enter to run part " + itoa(v.step.Part) + "."
	case statusFailed:
		return "This step failed. Press r to retry, ← to go back."
	case statusRunning, statusDone, statusDenied:
	}
	if !v.ctx.last {
		return "Press Enter to continue."
	}
	return "Press Enter for the summary."
}

// refresh rebuilds the content. It runs in Update, never in View, so
// markdown and result rendering are paid once per change rather than once
// per frame. With top the pane scrolls back up.
func (v *partView) refresh(top bool) {
	if v.c.styles == nil || v.width <= 0 {
		return
	}
	st := v.c.styles
	w := v.contentWidth()
	var result []string
	v.atRestLine, v.auditLine = -1, -1
	intro := v.intro(w)
	result = append(result, v.c.section("Result"))
	switch v.state.status {
	case statusPending:
		if v.step.IsCleanup() {
			result = append(result, cleanupPreview(v.c, w, v.ctx.keyID))
		}
		result = append(result, st.Muted.Render("Not run yet. Press Enter to run it."))
	case statusRunning:
		result = append(result, st.Warn.Render("Running… the status line below says what it is waiting for."))
	case statusDone, statusDenied, statusFailed:
		if head := v.outcomeHead(w); head != "" {
			result = append(result, head)
		}
		if r := v.resultBlock(w); r != "" {
			result = append(result, r)
		}
		panels, atRest, audit := v.panels.sections(w)
		// A panel's first line: everything above it, then its blank line.
		above := lipgloss.Height(strings.Join(append(append([]string(nil), intro...), result...), "\n"))
		lineOf := func(i int) int {
			if i < 0 {
				return -1
			}
			return above + lipgloss.Height(strings.Join(panels[:i], "\n"))
		}
		v.atRestLine, v.auditLine = lineOf(atRest), lineOf(audit)
		result = append(result, panels...)
	}
	resultLine := lipgloss.Height(strings.Join(intro, "\n")) + 1
	v.setSections(append(intro[:len(intro):len(intro)], result...), resultLine, top)
}

// intro is the explanation and the commands, drawn again only when they or
// the width or styles changed. The slice is shared with drawn: not to be
// appended to in place.
func (v *partView) intro(w int) []string {
	k := introKey{styles: v.c.styles, mdStyle: v.c.mdStyle, width: w, showExplain: v.showExplain,
		explain: v.step.Explain, cli: strings.Join(v.cli, "\x00")}
	if k == v.drawn.introOf && v.drawn.intro != nil {
		return v.drawn.intro
	}
	st := v.c.styles
	intro := []string{}
	if v.showExplain && v.step.Explain != "" {
		intro = append(intro, v.c.markdown(dropTitle(v.step.Explain), w))
	} else if v.step.Explain != "" {
		intro = append(intro, st.Muted.Render("(explanation hidden: press e to show it)"))
	}
	if len(v.cli) > 0 {
		intro = append(intro, v.c.section("AWS CLI equivalent")+st.Muted.Render("   c copies it"))
		intro = append(intro, box(st.CLIBox, w, cliBlock(*st, v.cli, w-st.CLIBox.GetHorizontalFrameSize())))
	}
	v.drawn.introOf, v.drawn.intro = k, intro
	return intro
}

// resultBlock is the result view's drawing; a fresh view of the same
// outcome at the same size draws what it drew before.
func (v *partView) resultBlock(w int) string {
	if v.result == nil {
		return ""
	}
	k := resultKey{styles: v.c.styles, width: w, height: v.height, step: v.ctx.index, run: v.state.run,
		done: v.state.done, status: v.state.status, summary: v.state.outcome.Summary, fresh: v.freshResult}
	v.result.SetSize(w, v.height) // keys the view answers may depend on it
	if k.fresh && k == v.drawn.resultOf {
		return v.drawn.result
	}
	r := v.result.View()
	v.drawn.resultOf, v.drawn.result = k, r
	return r
}

// outcomeHead is the line (or box) that says how the step ended.
func (v partView) outcomeHead(w int) string {
	st := v.c.styles
	o := v.state.outcome
	switch v.state.status {
	case statusFailed:
		return renderFailure(*st, w, o)
	case statusDenied:
		return wrapText(st.StatusDenied.Render("⊘ Denied, as the lab expects.")+" "+o.Summary, min(w, proseWidth), "")
	case statusPending, statusRunning, statusDone:
	}
	if o.Summary == "" {
		return ""
	}
	return wrapText(st.OK.Render("✓ ")+o.Summary, min(w, proseWidth), "")
}

func renderFailure(st Styles, w int, o steps.Outcome) string {
	inner := max(w-st.ErrorBox.GetHorizontalFrameSize(), 10)
	var ae *awserr.Error
	if !errors.As(o.Err, &ae) {
		msg := "the step failed"
		if o.Err != nil {
			msg = o.Err.Error()
		} else if o.Summary != "" {
			msg = o.Summary
		}
		return box(st.ErrorBox, w, st.Error.Render("✗ FAILED")+"  "+msg+"\n\n"+st.Muted.Render("Press r to retry this step."))
	}
	// An awserr.Error is already taken apart: show its parts, not its sentence.
	var pairs [][2]string
	if ae.Resource != "" {
		pairs = append(pairs, [2]string{"Resource", ae.Resource})
	}
	if ae.Code != "" {
		pairs = append(pairs, [2]string{"AWS error", ae.Code})
	}
	if ae.Message != "" {
		pairs = append(pairs, [2]string{"What happened", ae.Message})
	}
	if ae.Err != nil && ae.Err.Error() != ae.Message {
		pairs = append(pairs, [2]string{"Details", ae.Err.Error()})
	}
	body := st.Error.Render("✗ FAILED") + "  " + st.Bold.Render(ae.Op)
	if len(pairs) > 0 {
		body += "\n\n" + kvLines(st, inner, pairs)
	}
	if ae.Hint != "" {
		body += "\n\n" + st.Bold.Render("What to do: ") + ae.Hint
	}
	body += "\n\n" + st.Muted.Render("Press r to retry this step.")
	return box(st.ErrorBox, w, body)
}

// dropTitle removes an explanation's leading "# " heading: the header right
// above already names the part, and at 80x24 two lines are worth having.
func dropTitle(md string) string {
	if !strings.HasPrefix(md, "# ") {
		return md
	}
	_, rest, _ := strings.Cut(md, "\n")
	return strings.TrimLeft(rest, "\n")
}

// showFrom shows the walk's current step, with what the walk knows around it.
func (v *partView) showFrom(w *walk, top bool) {
	if len(w.course.Steps) == 0 {
		return
	}
	i := min(w.cur, len(w.course.Steps)-1)
	v.show(w.course.Steps[i], w.steps[i], w.partContext(i), top)
}

// enter shows the current step from the top; going back to a step that ran
// is going back to its result, the explanation one PgUp away.
func (v *partView) enter(w *walk) {
	if w.cur < len(w.course.Steps) {
		v.c.run.emit(reachedEvent(w.course.Steps[w.cur]))
	}
	v.showFrom(w, true)
	if w.cur < len(w.steps) && w.steps[w.cur].status != statusPending && w.steps[w.cur].status != statusRunning {
		v.showResult()
	}
}

// setKeys: → answers on every step, past a finished one or with why not;
// on AWS, x and t answer that the panels exist offline only.
func (v *partView) setKeys(k *KeyMap, w *walk) {
	enable(&k.Next, &k.Back, &k.Forward, &k.ToggleExplain, &k.ToggleAtRest, &k.ToggleAudit)
	k.Retry.SetEnabled(v.state.status == statusFailed)
	k.Copy.SetEnabled(len(v.cli) > 0)
	k.Experiments.SetEnabled(w.experimentsOpen())
}

func (v partView) place() place { return placeStep }

// header is "Part n of 6" and the step's title, or Cleanup.
func (v partView) header() (string, string) {
	s := v.step
	switch s.Kind {
	case steps.KindCleanup:
		if strings.EqualFold(strings.ReplaceAll(s.Title, " ", ""), "cleanup") {
			return "Cleanup", ""
		}
		return "Cleanup", s.Title
	case steps.KindExperiment:
		return "Experiment", s.Title
	case steps.KindPart:
	}
	if s.ID == "" {
		return "", ""
	}
	return "Part " + itoa(s.Part) + " of " + itoa(v.ctx.partCount), s.Title
}

func (v partView) location() string {
	switch v.step.Kind {
	case steps.KindCleanup:
		return "Cleanup"
	case steps.KindExperiment:
		return "Experiment"
	case steps.KindPart:
	}
	if v.step.ID == "" {
		return ""
	}
	return "Part " + itoa(v.step.Part) + " of " + itoa(v.ctx.partCount)
}
