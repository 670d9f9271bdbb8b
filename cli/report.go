package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"kmslab/awsops"
	"kmslab/awsops/explain"
	"kmslab/awsops/ledger"
	"kmslab/awsops/policydoc"
	"kmslab/internal/shellfmt"
	"kmslab/internal/textwrap"
	"kmslab/policy"
	"kmslab/steps"
)

// report prints the headless run: readable text (colored only on a terminal),
// or one JSON object per step.
type report struct {
	w      io.Writer
	json   *json.Encoder
	werr   error
	st     reportStyles
	indent string
	// width is the terminal's, to wrap at between words; 0 when the output
	// is not a terminal, so that lines stay whole for grep and logs.
	width     int
	partCount int
	course    steps.Lab // the lab reported on
	mode      Mode      // where the lab runs, once header has said it
}

type reportStyles struct {
	title, ok, denied, fail, dim, cmd, label, add, del lipgloss.Style
}

func newReport(out io.Writer, course steps.Lab, asJSON bool, width int) *report {
	r := &report{indent: "  ", width: width, partCount: course.PartCount(), course: course}
	if asJSON {
		r.json = json.NewEncoder(out)
		r.w = io.Discard
		return r
	}
	// The color writer strips escapes when out is not a terminal or NO_COLOR is set.
	r.w = colorprofile.NewWriter(out, os.Environ())
	r.st = reportStyles{
		title:  lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("#7D56F4")),
		ok:     lipgloss.NewStyle().Foreground(lipgloss.Color("#04B575")).Bold(true),
		denied: lipgloss.NewStyle().Foreground(lipgloss.Color("#FF5F87")).Bold(true),
		fail:   lipgloss.NewStyle().Foreground(lipgloss.Color("#FF4672")).Bold(true),
		dim:    lipgloss.NewStyle().Faint(true),
		cmd:    lipgloss.NewStyle().Foreground(lipgloss.Color("#5FAFD7")),
		label:  lipgloss.NewStyle().Bold(true),
		add:    lipgloss.NewStyle().Foreground(lipgloss.Color("#04B575")),
		del:    lipgloss.NewStyle().Foreground(lipgloss.Color("#FF4672")),
	}
	return r
}

func (r *report) printf(format string, args ...any) {
	if r.werr != nil {
		return
	}
	_, r.werr = fmt.Fprintf(r.w, format, args...)
}

func (r *report) err() error { return r.werr }

func (r *report) header(mode Mode, id awsops.Identity, names ledger.Names) {
	r.mode = mode
	where := "offline AWS (embedded, nothing leaves this machine)"
	switch mode {
	case RealAWS:
		where = "real AWS"
	case Endpoint:
		where = "custom endpoint"
	}
	r.printf("%s\n", r.st.title.Render("kmslab · "+r.course.Title))
	r.para("  ", fmt.Sprintf("%s %s · account %s · region %s", r.st.label.Render("Where:"), where, id.Account, id.Region))
	r.para("  ", fmt.Sprintf("%s %s", r.st.label.Render("Caller:"), id.ARN))
	r.para("  ", fmt.Sprintf("%s %s (key %s, table %s, user %s)", r.st.label.Render("Run:"), names.RunID, names.Alias, names.Table, names.User))
	r.printf("\n")
}

func (r *report) stepStart(st steps.Step, names ledger.Names, id awsops.Identity) {
	if r.json != nil {
		return
	}
	heading := st.Title
	switch st.Kind {
	case steps.KindPart:
		heading = fmt.Sprintf("Part %d of %d · %s", st.Part, r.partCount, st.Title)
	case steps.KindExperiment:
		heading = "Experiment · " + st.Title
	case steps.KindCleanup:
	}
	r.para("", r.st.title.Render("━━ "+heading))
	if st.CLI == nil {
		return
	}
	r.commands(st.CLI(names, id))
}

// commands prints commands after a "$ " prompt (comments under it), so that
// they run pasted without the prompt: a heredoc's body and terminator are
// printed as they are, since an indented terminator would not end it.
func (r *report) commands(cmds []string) {
	for _, c := range cmds {
		lines := strings.Split(c, "\n")
		if r.width > 0 {
			// On a terminal a command breaks before its options, with
			// continuations, rather than where the terminal runs out.
			lines = shellfmt.Lines(shellfmt.JoinContinuations(c), r.width-2)
		}
		verbatim := shellfmt.Verbatim(lines)
		for i, line := range lines {
			if verbatim[i] {
				r.printf("%s\n", r.st.cmd.Render(line))
				continue
			}
			prefix := "$ "
			if i > 0 || strings.HasPrefix(line, "#") {
				prefix = "  "
			}
			r.printf("%s\n", r.st.cmd.Render(prefix+strings.TrimRight(line, " ")))
		}
	}
}

func (r *report) stepDone(st steps.Step, names ledger.Names, id awsops.Identity, o steps.Outcome) {
	if r.json != nil {
		rec := stepRecord{ID: st.ID, Kind: kindName(st.Kind), Title: st.Title, Status: o.Status.String(), Summary: o.Summary}
		if st.Kind == steps.KindPart {
			rec.Part = st.Part
		}
		rec.setResult(o.Result)
		if st.CLI != nil {
			rec.CLI = st.CLI(names, id)
		}
		if o.Err != nil {
			rec.Error = o.Err.Error()
		}
		if r.werr == nil {
			r.werr = r.json.Encode(rec)
		}
		return
	}
	switch o.Status {
	case steps.Done:
		r.para("  ", r.st.ok.Render("✓")+" "+o.Summary)
	case steps.DeniedAsExpected:
		// The lab's point, not a failure: the TUI's mark and words.
		r.para("  ", r.st.denied.Render("⊘ Denied, as the lab expects.")+" "+o.Summary)
	default:
		r.para("  ", r.st.fail.Render("✗ failed:")+" "+o.Summary)
		if o.Err != nil && o.Err.Error() != o.Summary {
			r.para(r.indent, r.indent+o.Err.Error())
		}
	}
	r.outcome(o)
	r.printf("\n")
}

// para prints text wrapped between words at the terminal's width, its
// continuation lines indented by hang.
func (r *report) para(hang, text string) {
	if r.width > len(hang)+10 {
		text = wordwrap(text, r.width, hang)
	}
	r.printf("%s\n", text)
}

// wordwrap wraps s at width between words, never at a hyphen and never
// inside a word (textwrap.Words); continuation lines start with hang.
func wordwrap(s string, width int, hang string) string {
	head, rest, more := strings.Cut(textwrap.Words(s, width, ""), "\n")
	if more {
		lines := strings.Split(textwrap.Words(strings.ReplaceAll(rest, "\n", " "), width-len(hang), ""), "\n")
		for _, l := range lines {
			h := hang
			if len(hang) > 4 && ansi.StringWidth(hang+l) > width {
				h = "    " // a word too long for the hang (an ARN): less indent, still whole
			}
			head += "\n" + h + l
		}
	}
	return head
}

// outcome prints a result, by its kind.
func (r *report) outcome(o steps.Outcome) {
	switch res := o.Result.(type) {
	case steps.KeyCreated:
		r.key(res.Key)
	case steps.TableEncrypted:
		r.table(res.Table)
	case steps.ItemsRead:
		r.items(res.Items)
	case steps.UserCreated:
		u := res.User
		r.kv("User", u.ARN)
		r.kv("Access key", u.AccessKeyID+" (secret kept in memory, never shown)")
		r.kv("Policies", strings.Join(u.Policies, ", "))
	case steps.ReadDenied:
		if res.Table != nil {
			r.table(*res.Table)
		}
		r.denied(res.Denied)
		// The headline above is the explanation's summary; the simulator's
		// answer is shown in the narrative's words beside it.
		if e := res.Explanation; e != nil {
			r.kv("Simulator", simulatorWords(e.Decision)+" for "+e.Action)
		}
		r.trace(res.Explanation)
	case steps.KeyUseGranted:
		if res.Access.Denied != nil {
			r.denied(*res.Access.Denied)
		} else {
			r.items(res.Access.Items)
		}
		c := res.Change
		if !c.Changed {
			r.printf("%skey policy already allowed the user: no change\n", r.indent)
		} else {
			r.kv("Added", strings.Join(c.Added, ", "))
			r.diff(c.Diff)
		}
		r.trace(res.Explanation)
	case steps.CleanedUp:
		r.cleanup(res.Report)
	case steps.Facter:
		// A kind of result with no layout here (an experiment's): its facts.
		for _, f := range res.Facts() {
			r.kv(f[0], f[1])
		}
	}
}

// trace prints the rule that decided, from the statement-by-statement
// trace (kmslab explain prints all of it), and any disagreement with IAM's
// policy simulator.
func (r *report) trace(e *explain.Explanation) {
	if e == nil || e.Trace == nil {
		return
	}
	for _, s := range e.Trace.Steps {
		if s.Decisive {
			r.kv("Why", s.Finding)
		}
	}
	if d := e.Trace.Disagreement; d != "" {
		r.kv("Warning", d)
	}
}

func (r *report) kv(k, v string) {
	if v != "" {
		r.para(r.indent+strings.Repeat(" ", 15), fmt.Sprintf("%s%-14s %s", r.indent, k, v))
	}
}

func (r *report) key(k awsops.Key) {
	r.kv("Key ARN", k.ARN)
	r.kv("Alias", k.Alias)
	r.kv("State", k.State)
	r.kv("Spec / usage", strings.Trim(k.Spec+" / "+k.Usage, " /"))
	r.kv("Manager", k.Manager)
	if !k.Created.IsZero() {
		r.kv("Created", k.Created.UTC().Format("2006-01-02 15:04:05Z"))
	}
}

func (r *report) table(t awsops.Table) {
	r.kv("Table", t.Name)
	r.kv("Status", t.Status)
	r.kv("Key schema", t.KeySchema)
	if t.SSE.KMSKeyARN != "" {
		r.kv("Encryption", t.SSE.Status+" "+t.SSE.Type+" with "+t.SSE.KMSKeyARN)
	} else {
		r.kv("Encryption", "AWS owned key (default)")
	}
}

func (r *report) denied(d awsops.Denied) {
	r.kv("Error code", d.Code)
	r.kv("Call", strings.Trim(d.Service+" "+d.Operation, " "))
	r.kv("Denied action", d.Action)
	r.kv("On resource", d.Resource)
	width := 96 + len(r.indent) // AWS's message is long: wrapped even in a log
	if r.width > 0 {
		width = r.width
	}
	for _, line := range strings.Split(wordwrap(r.indent+d.Message, width, r.indent), "\n") {
		r.printf("%s\n", r.st.dim.Render(line))
	}
}

// diff prints the policy diff awsops computed, as unified diff text.
func (r *report) diff(d policydoc.Diff) {
	for _, line := range strings.Split(strings.TrimRight(d.Unified(), "\n"), "\n") {
		switch {
		case strings.HasPrefix(line, "+") && !strings.HasPrefix(line, "+++"):
			line = r.st.add.Render(line)
		case strings.HasPrefix(line, "-") && !strings.HasPrefix(line, "---"):
			line = r.st.del.Render(line)
		}
		r.printf("%s%s\n", r.indent, line)
	}
}

func (r *report) cleanup(c ledger.CleanupReport) {
	kindW, nameW := 0, 0
	for _, f := range c.Resources {
		kindW, nameW = max(kindW, len(f.Kind)), max(nameW, len(f.Name))
	}
	for _, f := range c.Resources {
		mark := r.st.ok.Render("✓")
		if f.Failed() {
			mark = r.st.fail.Render("✗")
		}
		r.printf("%s%s %-*s  %-*s  %s\n", r.indent, mark, kindW, f.Kind, nameW, f.Name, f.Outcome)
	}
}

func (r *report) items(items []awsops.Item) {
	for _, it := range items {
		var parts []string
		for _, a := range it {
			parts = append(parts, fmt.Sprintf("%s=%s", a.Name, a.Value))
		}
		r.para(r.indent+"  ", r.indent+"• "+strings.Join(parts, "  "))
	}
}

func (r *report) interruptedCleanup(rep ledger.CleanupReport, err error) {
	r.printf("\n%s\n", r.st.title.Render("━━ Interrupted: cleaning up what was created"))
	r.cleanup(rep)
	if err != nil {
		r.printf("%s%s\n", r.indent, err.Error())
	}
}

func (r *report) verdict(ok bool, reason string) {
	if r.json != nil {
		return
	}
	if ok {
		r.para("", r.st.ok.Render("The lab behaved as on AWS: denied without the key policy, allowed with it, all cleaned up."))
		return
	}
	r.para("", r.st.fail.Render("The lab did not behave as it must:")+" "+reason)
}

func kindName(k steps.Kind) string {
	switch k {
	case steps.KindExperiment:
		return "experiment"
	case steps.KindCleanup:
		return "cleanup"
	case steps.KindPart:
	}
	return "part"
}

// simulatorWords is IAM's policy simulator decision in the narrative's
// words, never its enum.
func simulatorWords(d string) string { return policy.EvalDecisionWord(d) }
