package ui

// renderQuitPrompt is the quit dialog drawn over the active screen: on AWS
// with resources left, the choice to clean up first; otherwise a plain "quit?".
func (m *Model) renderQuitPrompt() string {
	st := m.styles
	w := min(max(m.active().scroller().width-4, 30), 70)
	var body string
	if m.opts.Mode == AWS && m.resourcesPresent() {
		where, cost := "in your AWS account.", "The KMS key costs $1/month until deleted; the rest is nearly free but clutters your account."
		if m.opts.Endpoint != "" {
			where = "at " + m.opts.Endpoint + "."
			cost = "If that endpoint is AWS itself, the KMS key costs $1/month until deleted."
		}
		body = st.Warn.Render("Resources from this run still exist "+where) + "\n\n" + cost + "\n\n" +
			st.OK.Render("y  ") + "  clean up now, then quit (recommended)\n" +
			st.Error.Render("n  ") + "  quit and keep them; `kmslab cleanup` removes them later\n" +
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
