package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"kmslab/awsops"
	"kmslab/steps"
)

// summaryView is the last screen: what each step did and what to remember.
type summaryView struct {
	pane
	c         common
	lab       steps.Lab // what the summary recaps: its "What to remember" and "Next"
	steps     []steps.Step
	states    []stepState
	remaining bool   // resources of this run may still exist
	score     string // the experiments' predictions, "" when none ran
	// canStartNext: n starts the lab Next points to (Options.Labs offers it).
	canStartNext bool
	lessons      []lesson
}

// lesson is one experiment the learner ran, for the recap: its title, what
// it teaches, and whether the prediction was wrong.
type lesson struct {
	title, text string
	wrong       bool
	predicted   awsops.Decision
	actual      awsops.Decision
}

func newSummaryView(c common) summaryView { return summaryView{pane: newPane(c), c: c} }

func (v *summaryView) setCommon(c common) { v.c, v.pane.c = c, c }

// SetSize lays the text out again for the new size.
func (v *summaryView) SetSize(w, h int) {
	v.pane.SetSize(w, h)
	v.refresh()
}

// show takes what every step did and the experiments' record.
func (v *summaryView) show(w *walk, lessons []lesson, score string) {
	v.lab, v.steps, v.states = *w.course, w.course.Steps, w.steps
	v.remaining, v.canStartNext = w.resourcesPresent(v.c.run.lab), w.nextLab() != nil
	v.lessons, v.score = lessons, score
	v.refresh()
}

// Update answers Enter (quit) and ← (back to the last step); other keys scroll.
func (v summaryView) Update(msg tea.Msg) (summaryView, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		var cmd tea.Cmd
		v.pane, cmd = v.pane.Update(msg)
		return v, cmd
	}
	switch {
	case key.Matches(k, v.c.keys.Next):
		return v, request(askQuitMsg{})
	case key.Matches(k, v.c.keys.Back):
		return v, request(navMsg{to: screenStep, cur: len(v.steps) - 1})
	case key.Matches(k, v.c.keys.OtherLab):
		return v, request(otherLabMsg{})
	}
	v.pane, _ = v.pane.handleKey(k)
	return v, nil
}

// ShortHelp lists Enter, the next lab and back.
func (v summaryView) ShortHelp() []key.Binding {
	return []key.Binding{v.c.keys.Next, v.c.keys.OtherLab, v.c.keys.Back}
}

// FullHelp lists Enter, the next lab, back and scrolling.
func (v summaryView) FullHelp() [][]key.Binding {
	return [][]key.Binding{{v.c.keys.Next, v.c.keys.OtherLab, v.c.keys.Back}, v.c.keys.scrollBindings()}
}

func (v summaryView) hint() string {
	if v.canStartNext {
		return "Press n for the next lab, Enter or q to quit."
	}
	return "Press Enter or q to quit."
}

func (v *summaryView) refresh() {
	if v.c.styles == nil {
		return
	}
	st := v.c.styles
	w := v.contentWidth()
	out := []string{st.Section.UnsetMarginTop().Render("▌ What you did")} // no blank line above the first thing on screen
	for i, s := range v.steps {
		label := itoa(s.Part) + ". " + s.Title
		if s.Kind != steps.KindPart {
			label = s.Title
		}
		var ss stepState
		if i < len(v.states) {
			ss = v.states[i]
		}
		out = append(out, statusIcon(*st, ss.status, "")+" "+st.Bold.Render(label)+st.Muted.Render("  "+statusWord(ss.status)))
		if sum := firstLine(ss.outcome.Summary); sum != "" {
			out = append(out, lipgloss.NewStyle().PaddingLeft(2).Render(st.Muted.Render(wrapText(sum, max(min(w, proseWidth)-2, 10), ""))))
		}
	}
	if v.score != "" {
		out = append(out, v.c.section("Experiments"), st.Bold.Render("Your predictions: "+v.score+"."))
		for _, l := range v.lessons {
			mark := st.OK.Render("✓ ")
			head := l.title
			if l.wrong {
				mark = st.Error.Render("✗ ")
				head += " (you predicted " + string(l.predicted) + "; AWS: " + string(l.actual) + ")"
			}
			out = append(out, mark+st.Bold.Render(head))
			out = append(out, lipgloss.NewStyle().PaddingLeft(2).Render(wrapText(l.text, max(min(w, proseWidth)-2, 10), "")))
		}
	}
	out = append(out,
		v.c.section("What to remember"),
		v.c.markdown(v.lab.Remember, w),
	)
	if v.lab.Next != "" {
		out = append(out, v.c.section("Next"), v.c.markdown(v.lab.Next, w))
		if v.canStartNext {
			out = append(out, "", st.Bold.Render("Press n to start it now, in this session."))
		}
	}
	if v.remaining {
		msg := "Resources from this run still exist."
		if v.c.run.mode == AWS {
			msg += " Go back to Cleanup, or run `kmslab cleanup` later."
		} else {
			msg += " Offline, they vanish when you quit."
		}
		out = append(out, "", st.Warn.Render(msg))
	}
	v.setSections(out, -1, false)
}

func statusWord(s status) string {
	switch s {
	case statusRunning:
		return "running"
	case statusDone:
		return "done"
	case statusDenied:
		return "denied, as expected"
	case statusFailed:
		return "failed"
	default:
		return "not run"
	}
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// syncSummary hands the summary, when it is on display, what every step did
// and the experiments' record: the one place two screens meet. goTo does
// as it is shown, so a hidden summary is not drawn again for every step's
// result.
func (m *Model) syncSummary() {
	if m.screen == screenSummary {
		m.summary.show(&m.walk, m.experiments.lessons(), m.experiments.score())
	}
}

// enter records that the run reached this lab's summary; the root hands it
// what to recap (syncSummary).
func (v *summaryView) enter(w *walk) {
	w.markDone()
	v.c.run.emit(Event{Kind: EventReached, Step: SummaryID})
	v.GotoTop()
}

func (v *summaryView) setKeys(k *KeyMap, w *walk) {
	enable(&k.Next, &k.Back)
	k.OtherLab.SetEnabled(w.nextLab() != nil)
}

func (v summaryView) place() place { return placeEnd }

func (v summaryView) header() (string, string) { return "Summary", "what you did" }

func (v summaryView) location() string { return "Summary" }
