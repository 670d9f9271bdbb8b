package workshop

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"kmslab/internal/textwrap"
	"kmslab/ui"
)

// DashboardKeys are the presenter's keys.
type DashboardKeys struct {
	End, Yes, No key.Binding
}

// ShortHelp lists the keys that answer now.
func (k DashboardKeys) ShortHelp() []key.Binding { return []key.Binding{k.End, k.Yes, k.No} }

// FullHelp is ShortHelp.
func (k DashboardKeys) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

func defaultDashboardKeys() DashboardKeys {
	return DashboardKeys{
		End: key.NewBinding(key.WithKeys("ctrl+c", "q"), key.WithHelp("ctrl+c", "end the workshop")),
		Yes: key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "end it now"), key.WithDisabled()),
		No:  key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "keep going"), key.WithDisabled()),
	}
}

// Dashboard is the presenter's view of the room, in the terminal that
// started the workshop: how many are connected, how many reached each part,
// and how the room predicted each experiment. Ctrl-C asks before ending.
type Dashboard struct {
	room    *Room
	ctx     context.Context
	where   Listening
	snap    Snapshot
	keys    DashboardKeys
	help    help.Model
	styles  ui.Styles
	asking  bool
	end     bool  // the presenter confirmed: end every session
	failure error // the SSH server stopped by itself
	width   int
	height  int
}

// roomChangedMsg says the room changed; stoppedMsg that the server stopped.
type (
	roomChangedMsg struct{}
	stoppedMsg     struct{ err error }
)

// NewDashboard draws room; ctx ends its wait for changes.
func NewDashboard(ctx context.Context, room *Room, where Listening) Dashboard {
	d := Dashboard{room: room, ctx: ctx, where: where, keys: defaultDashboardKeys(), help: help.New(),
		styles: ui.DefaultStyles(true, false), width: 80, height: 24}
	d.snap = room.Snapshot()
	d.help.Styles = d.styles.Help
	return d
}

// Stopped is the message to send the dashboard when the server stopped on its own.
func Stopped(err error) tea.Msg { return stoppedMsg{err} }

// Ended reports whether the presenter chose to end the workshop.
func (d Dashboard) Ended() bool { return d.end }

// Failure is why the server stopped, if it stopped by itself.
func (d Dashboard) Failure() error { return d.failure }

// Init waits for the room's first change.
func (d Dashboard) Init() tea.Cmd { return tea.Batch(d.waitRoom(), tea.RequestBackgroundColor) }

func (d Dashboard) waitRoom() tea.Cmd {
	return func() tea.Msg {
		select {
		case <-d.room.Changed():
			return roomChangedMsg{}
		case <-d.ctx.Done():
			return nil
		}
	}
}

// Update handles the presenter's keys and the room's changes.
func (d Dashboard) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		d.width, d.height = msg.Width, msg.Height
		d.help.SetWidth(msg.Width)
	case tea.BackgroundColorMsg:
		d.styles = ui.DefaultStyles(msg.IsDark(), false)
		d.help.Styles = d.styles.Help
	case roomChangedMsg:
		d.snap = d.room.Snapshot()
		return d, d.waitRoom()
	case stoppedMsg:
		d.failure = msg.err
		return d, tea.Quit
	case tea.KeyPressMsg:
		return d.handleKey(msg)
	}
	return d, nil
}

func (d Dashboard) handleKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	switch {
	case d.asking && key.Matches(msg, d.keys.Yes):
		d.end = true
		return d, tea.Quit
	case d.asking && key.Matches(msg, d.keys.No):
		d.asking = false
	case !d.asking && key.Matches(msg, d.keys.End):
		if d.snap.Connected == 0 {
			d.end = true // no one to ask about
			return d, tea.Quit
		}
		d.asking = true
	}
	d.keys.End.SetEnabled(!d.asking)
	d.keys.Yes.SetEnabled(d.asking)
	d.keys.No.SetEnabled(d.asking)
	return d, nil
}

// View draws the room.
func (d Dashboard) View() tea.View {
	v := tea.NewView(d.render())
	v.AltScreen = true
	v.WindowTitle = fmt.Sprintf("kmslab workshop · %d connected", d.snap.Connected)
	return v
}

func (d Dashboard) render() string {
	st := d.styles
	w := max(d.width, 20)
	var b []string
	b = append(b, st.Title.Render("kmslab workshop")+" "+st.Muted.Render(textwrap.Words(d.where.Sentence(), w-16, "")))
	b = append(b, "Attendees type:  "+st.Bold.Render(d.where.Command()), "")
	s := d.snap
	count := st.Bold.Render(fmt.Sprintf("%d connected", s.Connected)) + st.Muted.Render(fmt.Sprintf(" (%d joined since the start)", s.Joined))
	if len(s.Users) > 0 {
		count += ": " + strings.Join(s.Users, ", ")
	}
	// At most two lines of names: a big room reads its count, not its list.
	names := strings.Split(textwrap.Words(count, w, ""), "\n")
	if len(names) > 2 {
		names = append(names[:1], ansi.Truncate(names[1], w-1, "")+"…")
	}
	b = append(b, names...)
	shown, named := s.shown(), len(s.Labs) > 1
	if len(shown) > 1 && w >= 2*minLabColumn+2 {
		// Side by side, so that both labs' arrivals fit a 24-row terminal:
		// one heading, each column under its lab's title.
		b = append(b, "", d.styles.Bold.Render("▌ How far the room got"))
		colW := (w - 2) / 2
		cols := make([]string, 0, len(shown))
		for i, l := range shown[:2] {
			lines := d.renderReached(l, named, colW)
			lines[1] = ansi.Truncate(d.styles.Bold.Render(l.Title), colW, "…")
			col := lipgloss.NewStyle().Width(colW).Render(strings.Join(lines[1:], "\n"))
			if i > 0 {
				col = lipgloss.NewStyle().PaddingLeft(2).Render(col)
			}
			cols = append(cols, col)
		}
		b = append(b, strings.Split(lipgloss.JoinHorizontal(lipgloss.Top, cols...), "\n")...)
		shown = shown[2:]
	}
	for _, l := range shown {
		b = append(b, d.renderReached(l, named, w)...)
	}
	b = append(b, d.renderTallies(s.shown(), named, w)...)
	body := strings.Join(b, "\n")
	foot := d.help.View(d.keys)
	if d.asking {
		foot = st.Warn.Render(fmt.Sprintf("End the workshop for %d attendee(s)? Each gets a goodbye line.", s.Connected)) + "  " + foot
	}
	lines := strings.Split(body, "\n")
	if d.height > 2 && len(lines) > d.height-2 {
		lines = lines[:d.height-2] // the footer stays; a tall room scrolls off the bottom
	}
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, w, "…")
	}
	return strings.Join(lines, "\n") + "\n\n" + ansi.Truncate(foot, w, "…")
}

// shown are the labs the dashboard draws: those someone reached a place
// in, or the first when no one did yet.
func (s Snapshot) shown() []LabSnapshot {
	var out []LabSnapshot
	for _, l := range s.Labs {
		if l.Started() {
			out = append(out, l)
		}
	}
	if len(out) == 0 && len(s.Labs) > 0 {
		out = s.Labs[:1]
	}
	return out
}

// minLabColumn is the narrowest a lab's arrivals are drawn beside another's.
const minLabColumn = 38

// heading is a section's title, with its lab's when the room offers several.
func (d Dashboard) heading(title string, l LabSnapshot, named bool) string {
	if named {
		title += " · " + l.Title
	}
	return d.styles.Bold.Render("▌ " + title)
}

// renderReached is how many reached each place of one lab, w columns wide.
func (d Dashboard) renderReached(l LabSnapshot, named bool, w int) []string {
	st := d.styles
	b := []string{"", d.heading("How far the room got", l, named)}
	label := 0
	for _, c := range l.Reached {
		label = max(label, lipgloss.Width(c.Label))
	}
	barW := min(max(w-label-6, 4), 40)
	joined := d.snap.Joined
	for _, c := range l.Reached {
		n := 0
		if joined > 0 {
			n = c.N * barW / joined
		}
		bar := st.OK.Render(strings.Repeat("█", n)) + st.Muted.Render(strings.Repeat("░", barW-n))
		b = append(b, fmt.Sprintf("%-*s %s %3d", label, c.Label, bar, c.N))
	}
	return b
}

// renderTallies is how the room predicted the shown labs' experiments,
// under one heading; each lab's tallies under its title when the room
// offers several.
func (d Dashboard) renderTallies(labs []LabSnapshot, named bool, w int) []string {
	st := d.styles
	b := []string{"", st.Bold.Render("▌ How the room predicted the experiments")}
	for _, l := range labs {
		if len(l.Tallies) == 0 {
			continue
		}
		var lines []string
		for _, t := range l.Tallies {
			if t.Allowed+t.Denied > 0 {
				lines = append(lines, textwrap.Words(t.String(), w, ""))
			}
		}
		switch {
		case len(lines) > 0 && named:
			b = append(b, st.Bold.Render(l.Title))
			b = append(b, lines...)
		case len(lines) > 0:
			b = append(b, lines...)
		case named:
			b = append(b, st.Muted.Render(textwrap.Words(l.Title+": no predictions yet.", w, "")))
		default:
			b = append(b, st.Muted.Render("No one has predicted yet: the experiments open at "+l.Baseline+" (w)."))
		}
	}
	if len(b) == 2 {
		return nil // no lab has experiments
	}
	return b
}
