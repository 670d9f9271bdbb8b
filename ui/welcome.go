package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"kmslab/steps"
)

// welcomeView is the first screen: the labs to choose from (when there is a
// choice), then the chosen lab's intro, where it runs and its parts.
type welcomeView struct {
	pane
	c      common
	course steps.Lab
	// labs are the labs offered (Options.Labs); chosen is the one under the
	// cursor. done marks the labs finished in this run; locked is set once a
	// step of this run ran: the run's lab is then the one to finish, and its
	// summary starts the next.
	labs   []steps.Lab
	chosen int
	done   map[string]bool
	locked bool
	fixed  bool // Options.FixedLab
}

func newWelcomeView(c common, course steps.Lab, labs []steps.Lab, fixed bool) welcomeView {
	v := welcomeView{pane: newPane(c), c: c, course: course, labs: labs, fixed: fixed}
	v.chosen = max(v.indexOf(course.ID), 0)
	return v
}

func (v welcomeView) indexOf(id string) int {
	for i, l := range v.labs {
		if l.ID == id {
			return i
		}
	}
	return -1
}

// choosing reports whether the learner picks the lab here: more than one
// is offered, none was fixed and nothing of this run has happened yet.
func (v welcomeView) choosing() bool { return len(v.labs) > 1 && !v.locked && !v.fixed }

// setCourse shows lab as the run's lab (the cursor on it).
func (v *welcomeView) setCourse(lab steps.Lab) {
	v.course = lab
	if i := v.indexOf(lab.ID); i >= 0 {
		v.chosen = i
	}
	v.refresh()
}

func (v *welcomeView) setCommon(c common) { v.c, v.pane.c = c, c }

// SetSize lays the text out again for the new size.
func (v *welcomeView) SetSize(w, h int) {
	v.pane.SetSize(w, h)
	v.refresh()
}

// Update answers Enter (and →) by beginning the lab; when there is a
// choice, ↑/↓ (j/k) make the previous or next lab the run's lab and a
// lab's number begins that one; other keys scroll.
func (v welcomeView) Update(msg tea.Msg) (welcomeView, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		var cmd tea.Cmd
		v.pane, cmd = v.pane.Update(msg)
		return v, cmd
	}
	keys := v.c.keys
	switch {
	case key.Matches(k, keys.Next, keys.Forward):
		return v, request(beginMsg{})
	case key.Matches(k, keys.LabUp, keys.LabDown):
		step := 1
		if key.Matches(k, keys.LabUp) {
			step = len(v.labs) - 1
		}
		return v, request(chooseLabMsg{lab: v.labs[(v.chosen+step)%len(v.labs)]})
	case key.Matches(k, keys.LabPick):
		if i := int(k.Code - '1'); i >= 0 && i < len(v.labs) {
			return v, request(chooseLabMsg{lab: v.labs[i], begin: true})
		}
		return v, nil
	}
	v.pane, _ = v.pane.handleKey(k)
	return v, nil
}

// ShortHelp lists Enter, and the lab keys when there is a choice.
func (v welcomeView) ShortHelp() []key.Binding {
	k := v.c.keys
	return []key.Binding{k.Next, k.LabDown, k.LabPick}
}

// FullHelp lists Enter, the lab keys and scrolling.
func (v welcomeView) FullHelp() [][]key.Binding {
	k := v.c.keys
	scroll := v.c.keys.scrollBindings()
	if v.choosing() {
		scroll = scroll[2:] // ↑/↓ choose the lab here
	}
	return [][]key.Binding{{k.Next, k.LabUp, k.LabDown, k.LabPick}, scroll}
}

func (v welcomeView) hint() string {
	if v.choosing() {
		return "Choose a lab with ↑/↓ or its number; Enter begins it."
	}
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
	var out []string
	if v.choosing() {
		out = append(out, v.chooser(w)...)
		out = append(out, v.c.section("About "+v.course.Title))
	}
	out = append(out, v.c.markdown(v.course.Intro, w), "")
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
	case run.remote:
		// Over SSH (kmslab workshop) the simulation runs on the presenter's
		// machine, not the attendee's: say what is true for them.
		mode = st.Badge.Render("OFFLINE") + " " + st.Bold.Render("No AWS account is touched and nothing costs money.") + "\n\n" +
			ansi.Wrap("This session runs on the presenter's machine, which keeps an AWS simulation of your own for it: "+
				"KMS, DynamoDB, IAM and STS, with real key policies, real encryption and real AccessDenied errors. "+
				"Only the screen and your key presses travel over SSH.", w-4, "") + "\n\n" +
			kvLines(*st, w-4, [][2]string{
				{"Account", id.Account}, {"Region", id.Region}, {"Signed in as", id.ARN},
			})
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
	if !v.choosing() {
		out = append(out, v.otherLabs()...)
	}
	v.setSections(out, -1, false)
}

// chooser is the list of labs to choose from: each one's number, title,
// parts and whether this run finished it, then its tagline.
func (v welcomeView) chooser(w int) []string {
	st := v.c.styles
	out := []string{st.Section.UnsetMarginTop().Render("▌ Choose a lab")} // the first thing on screen: no blank line above
	for i, l := range v.labs {
		mark, title := "  ", l.Title
		if i == v.chosen {
			mark, title = st.Accent.Render("▸ "), st.SidebarCurrent.Render(l.Title) // as the sidebar marks where you are
		}
		meta := " · " + itoa(l.PartCount()) + " parts"
		if v.done[l.ID] {
			meta += " · " + st.OK.Render("✓ done")
		}
		out = append(out, mark+st.Muted.Render(itoa(i+1)+". ")+title+st.Muted.Render(meta))
		out = append(out, lipgloss.NewStyle().PaddingLeft(5).Render(st.Muted.Render(wrapText(l.Tagline, max(min(w, proseWidth)-5, 10), ""))))
	}
	return out
}

// otherLabs lists every lab with how to start it, the run's marked: the
// welcome screen of a run whose lab is fixed (--lab) or under way.
func (v welcomeView) otherLabs() []string {
	st := v.c.styles
	out := []string{v.c.section("The labs")}
	labs := v.labs
	if len(labs) == 0 {
		labs = steps.Labs()
	}
	for i, l := range labs {
		how := "kmslab --lab " + l.ID
		if i == 0 {
			how = "kmslab"
		}
		mark, title := "  ", l.Title
		if l.ID == v.course.ID {
			mark, title, how = "▸ ", st.Bold.Render(l.Title), "this one"
		}
		if v.done[l.ID] {
			how += " · done in this run"
		}
		out = append(out, "  "+mark+title+st.Muted.Render(" · "+how))
	}
	return out
}

// enter locks the choice once a step of this run ran.
func (v *welcomeView) enter(w *walk) {
	v.locked, v.done = w.anyStepRan(), w.labsDone
	v.refresh()
	v.GotoTop()
}

func (v *welcomeView) setKeys(k *KeyMap, _ *walk) {
	enable(&k.Next, &k.Forward)
	if v.choosing() {
		enable(&k.LabUp, &k.LabDown, &k.LabPick)
	}
	k.LabPick.SetHelp("1-"+itoa(max(len(v.labs), 1)), "begin that lab")
}

func (v welcomeView) place() place { return placeStart }

func (v welcomeView) header() (string, string) { return "Welcome", "" }

func (v welcomeView) location() string { return "Welcome" }
