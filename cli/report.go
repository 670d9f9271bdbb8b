package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"

	"kmslab/awsops"
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
}

type reportStyles struct {
	title, ok, denied, fail, dim, cmd, label, add, del lipgloss.Style
}

func newReport(out io.Writer, asJSON bool) *report {
	r := &report{indent: "  "}
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

func (r *report) header(mode Mode, id awsops.Identity, names awsops.Names) {
	where := "offline AWS (embedded, nothing leaves this machine)"
	switch mode {
	case RealAWS:
		where = "real AWS"
	case Endpoint:
		where = "custom endpoint"
	}
	r.printf("%s\n", r.st.title.Render("kmslab · Encrypt data with AWS KMS"))
	r.printf("%s %s · account %s · region %s\n", r.st.label.Render("Where:"), where, id.Account, id.Region)
	r.printf("%s %s\n", r.st.label.Render("Caller:"), id.ARN)
	r.printf("%s %s (key %s, table %s, user %s)\n\n", r.st.label.Render("Run:"), names.RunID, names.Alias, names.Table, names.User)
}

func (r *report) stepStart(st steps.Step, names awsops.Names, id awsops.Identity) {
	if r.json != nil {
		return
	}
	heading := st.Title
	if st.Part >= 1 && st.Part <= 6 {
		heading = fmt.Sprintf("Part %d of 6 · %s", st.Part, st.Title)
	}
	r.printf("%s\n", r.st.title.Render("━━ "+heading))
	if st.CLI != nil {
		for _, c := range st.CLI(names, id) {
			for i, line := range strings.Split(c, "\n") {
				prefix := "$ "
				if i > 0 {
					prefix = "  "
				}
				r.printf("%s\n", r.st.cmd.Render(prefix+strings.TrimRight(line, " ")))
			}
		}
	}
}

func (r *report) stepDone(st steps.Step, names awsops.Names, id awsops.Identity, o steps.Outcome) {
	if r.json != nil {
		rec := stepRecord{Part: st.Part, ID: st.ID, Title: st.Title, Status: o.Status.String(), Summary: o.Summary}
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
		r.printf("%s %s\n", r.st.ok.Render("✓"), o.Summary)
	case steps.DeniedAsExpected:
		r.printf("%s %s\n", r.st.denied.Render("✗"), o.Summary)
	default:
		r.printf("%s %s\n", r.st.fail.Render("✗ failed:"), o.Summary)
		if o.Err != nil {
			r.printf("%s%s\n", r.indent, o.Err.Error())
		}
	}
	r.outcome(o)
	r.printf("\n")
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
		if e := res.Explanation; e != nil {
			r.kv("Simulation", e.Decision+" for "+e.Action)
			for _, d := range e.Details {
				r.kv("  "+d.Source, d.Decision)
			}
			if e.Summary != "" {
				r.printf("%s%s\n", r.indent, wrap(e.Summary, 96, r.indent))
			}
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
	}
}

// trace prints the rule that decided, from the statement-by-statement
// trace (kmslab explain prints all of it), and any disagreement with IAM's
// policy simulator.
func (r *report) trace(e *awsops.Explanation) {
	if e == nil || e.Trace == nil {
		return
	}
	for _, s := range e.Trace.Steps {
		if s.Decisive {
			r.printf("%sWhy            %s\n", r.indent, wrap(s.Finding, 96, r.indent+"               "))
		}
	}
	if d := e.Trace.Disagreement; d != "" {
		r.kv("Warning", d)
	}
}

func (r *report) kv(k, v string) {
	if v != "" {
		r.printf("%s%-14s %s\n", r.indent, k, v)
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
	for _, line := range strings.Split(wrap(d.Message, 96, ""), "\n") {
		r.printf("%s%s\n", r.indent, r.st.dim.Render(line))
	}
}

// diff prints the policy diff awsops computed, as unified diff text.
func (r *report) diff(d awsops.PolicyDiff) {
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

func (r *report) cleanup(c awsops.CleanupReport) {
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
		r.printf("%s• %s\n", r.indent, strings.Join(parts, "  "))
	}
}

func (r *report) interruptedCleanup(rep awsops.CleanupReport, err error) {
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
		r.printf("%s\n", r.st.ok.Render("The lab behaved as on AWS: denied without the key policy, allowed with it, all cleaned up."))
		return
	}
	r.printf("%s %s\n", r.st.fail.Render("The lab did not behave as it must:"), reason)
}

// wrap breaks s into lines of at most width runes, continuing with indent.
func wrap(s string, width int, indent string) string {
	var b strings.Builder
	n := 0
	for i, word := range strings.Fields(s) {
		if i > 0 {
			if n+1+len(word) > width {
				b.WriteString("\n" + indent)
				n = 0
			} else {
				b.WriteByte(' ')
				n++
			}
		}
		b.WriteString(word)
		n += len(word)
	}
	return b.String()
}
