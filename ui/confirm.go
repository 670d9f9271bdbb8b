package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"kmslab/steps"
)

// confirmView is real AWS's confirmation: what will be created, what it
// costs, y to go ahead.
type confirmView struct {
	pane
	c      common
	course steps.Lab
}

func newConfirmView(c common, course steps.Lab) confirmView {
	return confirmView{pane: newPane(c), c: c, course: course}
}

func (v *confirmView) setCommon(c common) { v.c, v.pane.c = c, c }

// SetSize lays the text out again for the new size.
func (v *confirmView) SetSize(w, h int) {
	v.pane.SetSize(w, h)
	v.refresh()
}

// Update answers y (go ahead), n, esc or ← (back to the welcome); Enter
// only points at y, so that a habit of pressing Enter creates nothing.
func (v confirmView) Update(msg tea.Msg) (confirmView, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		var cmd tea.Cmd
		v.pane, cmd = v.pane.Update(msg)
		return v, cmd
	}
	keys := v.c.keys
	switch {
	case key.Matches(k, keys.Yes):
		return v, request(navMsg{to: screenStep})
	case key.Matches(k, keys.No, keys.Cancel, keys.Back):
		return v, request(navMsg{to: screenWelcome})
	case key.Matches(k, keys.Next):
		return v, request(flashMsg("Press y to create these resources, or n to go back."))
	}
	v.pane, _ = v.pane.handleKey(k)
	return v, nil
}

// ShortHelp lists back: y and n are the dialog's, listed by the root.
func (v confirmView) ShortHelp() []key.Binding { return []key.Binding{v.c.keys.Back} }

// FullHelp lists back and scrolling.
func (v confirmView) FullHelp() [][]key.Binding {
	return [][]key.Binding{{v.c.keys.Back}, v.c.keys.scrollBindings()}
}

func (v confirmView) hint() string { return "Press y to create these resources, n to go back." }

func (v *confirmView) refresh() {
	if v.c.styles == nil {
		return
	}
	st := v.c.styles
	w := v.contentWidth()
	n, id := v.c.run.names, v.c.run.identity
	var items []steps.Resource
	if v.course.Resources != nil {
		items = v.course.Resources(n)
	}
	out := []string{
		st.Warn.Render(wrapText("This run creates real resources in AWS account "+id.Account+" ("+id.Region+").", w, "")),
		st.Muted.Render(wrapText("Signed in as "+id.ARN, w, "/")),
	}
	if ep := v.c.run.endpoint; ep != "" {
		out = []string{
			st.Warn.Render(wrapText("This run creates resources at "+ep+", account "+id.Account+" ("+id.Region+").", w, "/")),
			st.Muted.Render(wrapText("Signed in as "+id.ARN, w, "/")),
			"",
			wrapText("The costs below are AWS's, and apply only if this endpoint is AWS itself; "+
				"an emulator such as `kmslab serve` charges nothing.", w, ""),
		}
	}
	if len(v.c.run.warnings) > 0 {
		out = append(out, "", st.Bold.Render("The permissions check could not settle everything:"))
		for _, warning := range v.c.run.warnings {
			out = append(out, st.Warn.Render(wrapText("! "+warning, w, "/:")))
		}
	}
	for _, it := range items {
		out = append(out, "", st.Bold.Render("• "+it.What)+"  "+st.Accent.Render(it.Name),
			lipgloss.NewStyle().PaddingLeft(2).Render(ansi.Wrap(it.Cost, max(w-2, 10), "")))
	}
	out = append(out, "",
		ansi.Wrap("Every resource is tagged "+st.Bold.Render("kmslab:run="+n.RunID)+
			" and recorded in the run ledger before it is created, so `kmslab cleanup` can always remove it, even after a crash.", w, ""),
	)
	if lab := v.c.run.lab; lab != nil && lab.LedgerPath() != "" {
		out = append(out, st.Muted.Render("Ledger: "+lab.LedgerPath()))
	}
	out = append(out, "", st.Bold.Render("Create these resources?  ")+st.OK.Render("y")+" yes   "+st.Error.Render("n")+" go back")
	v.setSections(out, -1, false)
}

func (v *confirmView) enter(*walk) { v.GotoTop() }

// setKeys: Enter only explains that y is the answer: it answers, but is
// not offered.
func (v *confirmView) setKeys(k *KeyMap, _ *walk) { enable(&k.Next, &k.Back, &k.Yes, &k.No) }

func (v confirmView) place() place { return placeStart }

func (v confirmView) header() (string, string) {
	if v.c.run.endpoint != "" {
		return "Before we start", "what will be created at the endpoint"
	}
	return "Before we start", "what will be created in your account"
}

func (v confirmView) location() string { return "Confirm" }
