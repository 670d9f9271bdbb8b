package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"kmslab/steps"
)

// welcomeView is the first screen: what the lab does, where it runs and its parts.
type welcomeView struct {
	pane
	c      common
	course steps.Lab
}

func newWelcomeView(c common, course steps.Lab) welcomeView {
	return welcomeView{pane: newPane(c), c: c, course: course}
}

func (v *welcomeView) setCommon(c common) { v.c, v.pane.c = c, c }

// SetSize lays the text out again for the new size.
func (v *welcomeView) SetSize(w, h int) {
	v.pane.SetSize(w, h)
	v.refresh()
}

// Update answers Enter (and →) by beginning; other keys scroll.
func (v welcomeView) Update(msg tea.Msg) (welcomeView, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		if key.Matches(k, v.c.keys.Next, v.c.keys.Forward) {
			return v, request(beginMsg{})
		}
		v.pane, _ = v.pane.handleKey(k)
		return v, nil
	}
	var cmd tea.Cmd
	v.pane, cmd = v.pane.Update(msg)
	return v, cmd
}

// ShortHelp lists Enter.
func (v welcomeView) ShortHelp() []key.Binding { return []key.Binding{v.c.keys.Next} }

// FullHelp lists Enter and scrolling.
func (v welcomeView) FullHelp() [][]key.Binding {
	return [][]key.Binding{{v.c.keys.Next}, v.c.keys.scrollBindings()}
}

func (v welcomeView) hint() string {
	if v.c.run.mode == AWS {
		return "Press Enter to review what will be created."
	}
	return "Press Enter to begin with " + v.course.FirstStep() + "."
}

func (v *welcomeView) refresh() {
	if v.c.styles == nil {
		return
	}
	st := v.c.styles
	w := v.contentWidth()
	out := []string{v.c.markdown(v.course.Intro, w), ""}
	run := v.c.run
	id := run.identity
	var mode string
	switch {
	case run.mode == AWS && run.endpoint != "":
		mode = st.BadgeAWS.Render("CUSTOM ENDPOINT") + " " + st.Warn.Render("This lab creates resources at "+run.endpoint+".") + "\n\n" +
			wrapText("What it costs depends on who runs it: nothing for an emulator such as `kmslab serve`, "+
				"AWS prices if it is AWS itself (a VPC or FIPS endpoint).", w-4, "") + "\n\n" +
			kvLines(*st, w-4, [][2]string{
				{"Endpoint", run.endpoint}, {"Account", id.Account}, {"Region", id.Region}, {"Signed in as", id.ARN},
			}) + "\n\n" + st.Muted.Render(wrapText("Next you will see exactly what will be created, and confirm.", w-4, ""))
	case run.mode == AWS:
		mode = st.BadgeAWS.Render("REAL AWS") + " " + st.Warn.Render("This lab creates real resources in your account.") + "\n\n" +
			kvLines(*st, w-4, [][2]string{
				{"Account", id.Account}, {"Region", id.Region}, {"Signed in as", id.ARN},
			}) + "\n\n" + st.Muted.Render("Next you will see exactly what will be created and what it costs, and confirm.")
	default:
		mode = st.Badge.Render("OFFLINE") + " " + st.Bold.Render("Nothing leaves this machine and nothing costs money.") + "\n\n" +
			ansi.Wrap("An AWS simulation runs inside this program on 127.0.0.1 and the unmodified AWS SDK talks to it: "+
				"KMS, DynamoDB, IAM and STS, with real key policies, real encryption and real AccessDenied errors.", w-4, "") + "\n\n" +
			kvLines(*st, w-4, [][2]string{
				{"Account", id.Account}, {"Region", id.Region}, {"Signed in as", id.ARN},
			})
	}
	out = append(out, box(st.CLIBox, w, mode), v.c.section("The parts"))
	for _, s := range v.course.Steps {
		label := "   "
		if s.Kind == steps.KindPart {
			label = itoa(s.Part) + ". "
		}
		out = append(out, "  "+st.Muted.Render(label)+s.Title)
	}
	out = append(out, v.c.section("The labs"))
	for i, l := range steps.Labs() {
		how := "kmslab --lab " + l.ID
		if i == 0 {
			how = "kmslab"
		}
		mark, title := "  ", l.Title
		if l.ID == v.course.ID {
			mark, title, how = "▸ ", st.Bold.Render(l.Title), "this one"
		}
		out = append(out, "  "+mark+title+st.Muted.Render(" · "+how))
	}
	v.setSections(out, -1, false)
}

func (v welcomeView) header() (string, string) { return "Welcome", "" }

func (v welcomeView) location() string { return "Welcome" }
