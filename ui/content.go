package ui

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// refresh rebuilds the pane's content for the current screen. It runs in
// Update, never in View, so glamour and result rendering are paid once per
// change rather than once per frame. With top the pane scrolls back up.
func (m *Model) refresh(top bool) {
	if m.pane.c.styles == nil {
		return
	}
	m.pane.c = m.c
	w := max(m.pane.width-1, 10) // one column of air on the right
	var sections []string
	resultLine := -1
	switch m.screen {
	case screenWelcome:
		sections = m.welcomeContent(w)
	case screenConfirm:
		sections = m.confirmContent(w)
	case screenSummary:
		sections = m.summaryContent(w)
	case screenStep:
		var result []string
		sections, result = m.stepContent(w)
		if len(result) > 0 {
			resultLine = lipgloss.Height(strings.Join(sections, "\n")) + 1
			sections = append(sections, result...)
		}
	}
	// Anything a renderer let run past the width wraps here rather than being
	// cut by the viewport.
	m.pane.SetContent(ansi.Wrap(strings.Join(sections, "\n"), w, ""), resultLine, top)
	m.cacheChrome()
}

func (m Model) section(title string) string {
	return m.styles.Section.Render("▌ " + title)
}

func (m Model) markdown(md string, w int) string {
	return m.c.md.render(md, w, m.c.mdStyle)
}

const welcomeMD = `**kmslab** walks you through encrypting data with **AWS KMS**, one part at a time.

You will create a customer managed KMS key, encrypt a DynamoDB table with it, store an item, and then
watch a user with *full DynamoDB access* be refused: reading data encrypted under a customer managed
key also needs ` + "`kms:Decrypt`" + ` on that key. Finally you grant it in the key policy and read again.

Every screen shows a live result, the AWS CLI command that does the same, and why it behaves as it does.`

func (m Model) welcomeContent(w int) []string {
	st := m.styles
	out := []string{m.markdown(welcomeMD, w), ""}
	id := m.opts.Identity
	var mode string
	switch {
	case m.opts.Mode == AWS && m.opts.Endpoint != "":
		mode = st.BadgeAWS.Render("CUSTOM ENDPOINT") + " " + st.Warn.Render("This lab creates resources at "+m.opts.Endpoint+".") + "\n\n" +
			wrapText("What it costs depends on who runs it: nothing for an emulator such as `kmslab serve`, "+
				"AWS prices if it is AWS itself (a VPC or FIPS endpoint).", w-4, "") + "\n\n" +
			kvLines(st, w-4, [][2]string{
				{"Endpoint", m.opts.Endpoint}, {"Account", id.Account}, {"Region", id.Region}, {"Signed in as", id.ARN},
			}) + "\n\n" + st.Muted.Render(wrapText("Next you will see exactly what will be created, and confirm.", w-4, ""))
	case m.opts.Mode == AWS:
		mode = st.BadgeAWS.Render("REAL AWS") + " " + st.Warn.Render("This lab creates real resources in your account.") + "\n\n" +
			kvLines(st, w-4, [][2]string{
				{"Account", id.Account}, {"Region", id.Region}, {"Signed in as", id.ARN},
			}) + "\n\n" + st.Muted.Render("Next you will see exactly what will be created and what it costs, and confirm.")
	default:
		mode = st.Badge.Render("OFFLINE") + " " + st.Bold.Render("Nothing leaves this machine and nothing costs money.") + "\n\n" +
			ansi.Wrap("An AWS simulation runs inside this program on 127.0.0.1 and the unmodified AWS SDK talks to it: "+
				"KMS, DynamoDB, IAM and STS, with real key policies, real encryption and real AccessDenied errors.", w-4, "") + "\n\n" +
			kvLines(st, w-4, [][2]string{
				{"Account", id.Account}, {"Region", id.Region}, {"Signed in as", id.ARN},
			})
	}
	out = append(out, box(st.CLIBox, w, mode), m.section("The parts"))
	for _, s := range m.opts.Steps {
		label := "   "
		if s.Part >= 1 && s.Part <= partCount {
			label = itoa(s.Part) + ". "
		}
		out = append(out, "  "+st.Muted.Render(label)+s.Title)
	}
	return out
}

func (m Model) confirmContent(w int) []string {
	st := m.styles
	n, id := m.opts.Names, m.opts.Identity
	items := [][3]string{
		{"KMS key + alias", n.Alias, "$1/month, prorated hourly, while the key exists: cents for this lab. " +
			"Cleanup schedules its deletion after 7 days, the minimum AWS allows; a key pending deletion is not charged."},
		{"DynamoDB table", n.Table, "On-demand, encrypted with the key; a few requests and bytes: well under $0.01."},
		{"IAM user + access key", n.User, "Free. AmazonDynamoDBFullAccess only: no KMS permission."},
		{"KMS requests", "about 20", "Free tier covers 20,000 a month; then $0.03 per 10,000."},
	}
	out := []string{
		st.Warn.Render(wrapText("This run creates real resources in AWS account "+id.Account+" ("+id.Region+").", w, "")),
		st.Muted.Render(wrapText("Signed in as "+id.ARN, w, "/")),
	}
	if ep := m.opts.Endpoint; ep != "" {
		out = []string{
			st.Warn.Render(wrapText("This run creates resources at "+ep+", account "+id.Account+" ("+id.Region+").", w, "/")),
			st.Muted.Render(wrapText("Signed in as "+id.ARN, w, "/")),
			"",
			wrapText("The costs below are AWS's, and apply only if this endpoint is AWS itself; "+
				"an emulator such as `kmslab serve` charges nothing.", w, ""),
		}
	}
	for _, it := range items {
		out = append(out, "", st.Bold.Render("• "+it[0])+"  "+st.Accent.Render(it[1]),
			lipgloss.NewStyle().PaddingLeft(2).Render(ansi.Wrap(it[2], max(w-2, 10), "")))
	}
	out = append(out, "",
		ansi.Wrap("Every resource is tagged "+st.Bold.Render("kmslab:run="+n.RunID)+
			" and recorded in the run ledger before it is created, so `kmslab cleanup` can always remove it, even after a crash.", w, ""),
	)
	if m.opts.Lab != nil && m.opts.Lab.LedgerPath() != "" {
		out = append(out, st.Muted.Render("Ledger: "+m.opts.Lab.LedgerPath()))
	}
	out = append(out, "", st.Bold.Render("Create these resources?  ")+st.OK.Render("y")+" yes   "+st.Error.Render("n")+" go back")
	return out
}

func (m Model) summaryContent(w int) []string {
	st := m.styles
	out := []string{st.Section.UnsetMarginTop().Render("▌ What you did")} // no blank line above the first thing on screen
	for i, s := range m.opts.Steps {
		label := itoa(s.Part) + ". " + s.Title
		if m.isCleanup(i) {
			label = s.Title
		}
		ss := m.steps[i]
		out = append(out, m.sidebar.icon(ss.status)+" "+st.Bold.Render(label)+st.Muted.Render("  "+statusWord(ss.status)))
		if sum := firstLine(ss.outcome.Summary); sum != "" {
			out = append(out, lipgloss.NewStyle().PaddingLeft(2).Render(st.Muted.Render(wrapText(sum, max(w-2, 10), "/:"))))
		}
	}
	out = append(out,
		m.section("What to remember"),
		m.markdown(summaryMD, w),
	)
	if m.resourcesPresent() {
		msg := "Resources from this run still exist."
		if m.opts.Mode == AWS {
			msg += " Go back to Cleanup, or run `kmslab cleanup` later."
		} else {
			msg += " Offline, they vanish when you quit."
		}
		out = append(out, "", st.Warn.Render(msg))
	}
	return out
}

const summaryMD = `- DynamoDB encrypts every table at rest. With a **customer managed key** you decide, in the key policy, who may use it.
- Every read and write of an encrypted table needs the table key, which DynamoDB decrypts with KMS **as the caller**: full DynamoDB permissions are not enough without ` + "`kms:Decrypt`" + ` on the key.
- Metadata calls such as DescribeTable need no KMS permission: the denial is specifically about the data.
- Granting access is a key-policy change, visible in a diff and auditable in CloudTrail.`

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

// stepContent is the explanation and CLI (before) and the result (after).
func (m Model) stepContent(w int) (intro, result []string) {
	st := m.styles
	if m.cur >= len(m.opts.Steps) {
		return nil, nil
	}
	step := m.opts.Steps[m.cur]
	ss := m.steps[m.cur]
	if m.showExplain && step.Explain != "" {
		intro = append(intro, m.markdown(dropTitle(step.Explain), w))
	} else if step.Explain != "" {
		intro = append(intro, st.Muted.Render("(explanation hidden: press e to show it)"))
	}
	if cli := m.cliLines(m.cur); len(cli) > 0 {
		intro = append(intro, m.section("AWS CLI equivalent")+st.Muted.Render("   c copies it"))
		intro = append(intro, box(st.CLIBox, w, m.cliBlock(cli, w-st.CLIBox.GetHorizontalFrameSize())))
	}
	result = append(result, m.section("Result"))
	switch ss.status {
	case statusPending:
		if m.isCleanup(m.cur) {
			result = append(result, m.cleanupPreview(w))
		}
		result = append(result, st.Muted.Render("Not run yet. Press Enter to run it."))
	case statusRunning:
		result = append(result, st.Warn.Render("Running… the status line below says what it is waiting for."))
	default:
		result = append(result, m.renderOutcome(w, ss))
	}
	if m.opts.Extras != nil && ss.status != statusPending && ss.status != statusRunning {
		result = append(result, m.extrasContent(w)...)
	}
	return intro, result
}

// cleanupPreview lists what cleanup will remove, before it runs.
func (m Model) cleanupPreview(w int) string {
	n := m.opts.Names
	rows := [][]string{
		{"IAM user, its access key and policy attachment", n.User, "deleted"},
		{"DynamoDB table", n.Table, "deleted"},
		{"KMS alias", n.Alias, "deleted"},
		{"KMS key behind the alias", "", "deletion scheduled in 7 days (the minimum)"},
	}
	note := "Offline, all of it also vanishes when you quit."
	if m.opts.Mode == AWS {
		note = "Only resources of this run (tag kmslab:run=" + n.RunID + ") are touched."
	}
	return dataTable(m.styles, w, []string{"Will remove", "Name", "How"}, rows) + "\n" + m.styles.Muted.Render(note)
}

func (m Model) renderQuitPrompt() string {
	st := m.styles
	w := min(max(m.pane.width-4, 30), 70)
	var body string
	if m.opts.Mode == AWS && m.resourcesPresent() {
		where, cost := "in your AWS account.", "The KMS key costs $1/month until deleted; the rest is nearly free but clutters your account."
		if m.opts.Endpoint != "" {
			where = "at " + m.opts.Endpoint + "."
			cost = "If that endpoint is AWS itself, the KMS key costs $1/month until deleted."
		}
		body = st.Warn.Render("Resources from this run still exist "+where) + "\n\n" + cost + "\n\n" +
			st.OK.Render("y") + "  clean up now, then quit (recommended)\n" +
			st.Error.Render("n") + "  quit and keep them; `kmslab cleanup` removes them later\n" +
			st.Bold.Render("esc") + "  stay"
	} else {
		reason := "Offline: nothing to keep. The simulated AWS and all it holds vanish with the program."
		if m.running >= 0 {
			reason = "A step is still running; quitting cancels it. " + reason
		}
		body = st.Bold.Render("Quit kmslab?") + "\n\n" + reason + "\n\n" +
			st.OK.Render("y") + "      quit\n" + st.Bold.Render("n/esc") + "  stay"
	}
	return box(st.Dialog, w, body)
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
