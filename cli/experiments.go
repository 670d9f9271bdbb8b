package cli

import (
	"context"
	"fmt"
	"strings"

	"kmslab/awsops"
	"kmslab/awsops/ledger"
	"kmslab/steps"
)

// experimentRecord is one line of `run --experiments --json` per experiment.
type experimentRecord struct {
	Experiment int                        `json:"experiment"`
	ID         string                     `json:"id"`
	Title      string                     `json:"title"`
	Setup      string                     `json:"setup"`
	Change     string                     `json:"change"`
	Predict    string                     `json:"predict"`
	Expect     map[string]awsops.Decision `json:"expect,omitempty"`
	CLI        []string                   `json:"cli"`
	Trial      awsops.Trial               `json:"trial"`
	Why        string                     `json:"why"`
	Error      string                     `json:"error,omitempty"`
	Problems   []string                   `json:"problems,omitempty"`
}

// runExperiments runs every experiment after the last part and returns, one line
// each, where they did not behave as AWS would. They need the lab's parts done.
func runExperiments(ctx context.Context, r *report, lab *awsops.Lab, id awsops.Identity, done []steps.Outcome) []string {
	course := r.course
	if !course.ReadyForExperiments(done) {
		r.experimentsSkipped()
		return []string{"experiments not run: the lab did not reach " + course.Baseline()}
	}
	r.experimentsHeader(lab.CacheTTL())
	var problems []string
	for _, x := range course.NumberedExperiments() {
		if ctx.Err() != nil {
			problems = append(problems, "the experiments were interrupted")
			break
		}
		r.experimentStart(x, lab.Names(), id)
		policy := ""
		if x.YourPolicy {
			p, err := ownPolicy(ctx, lab, id)
			if err != nil {
				problems = append(problems, fmt.Sprintf("experiment %d (%s): %v", x.Number, x.Title, err))
				continue
			}
			policy = p
		}
		o := x.Run(ctx, lab, policy)
		r.experimentDone(x, lab.Names(), id, o)
		for _, p := range o.Problems {
			problems = append(problems, fmt.Sprintf("experiment %d (%s): %s", x.Number, x.Title, p))
		}
	}
	return problems
}

// ownPolicy is the edit a headless run stands in for the learner's.
func ownPolicy(ctx context.Context, lab *awsops.Lab, id awsops.Identity) (string, error) {
	p, err := lab.GetKeyPolicy(ctx)
	if err != nil {
		return "", err
	}
	partition := "aws"
	if parts := strings.SplitN(id.ARN, ":", 3); len(parts) == 3 && parts[1] != "" {
		partition = parts[1]
	}
	return steps.SampleOwnPolicy(p, "arn:"+partition+":iam::"+id.Account+":user/"+lab.Names().User)
}

func (r *report) experimentsSkipped() {
	if r.json != nil {
		return
	}
	r.printf("%s\n\n", r.st.fail.Render("Experiments skipped: the lab did not reach "+r.course.Baseline()+"."))
}

func (r *report) experimentsHeader(ttl fmt.Stringer) {
	if r.json != nil {
		return
	}
	r.printf("%s\n", r.st.title.Render("━━ Experiments · what if…"))
	r.printf("%sEach one changes the lab for real, shows what AWS decides and why, then restores %s.\n", r.indent, r.course.Baseline())
	if r.course.Cached != "" {
		r.printf("%s%s: %s (%s).\n", r.indent, r.course.Cached, ttl, steps.CacheWait(r.mode == Offline))
	}
	r.printf("\n")
}

func (r *report) experimentStart(x steps.Experiment, names ledger.Names, id awsops.Identity) {
	if r.json != nil {
		return
	}
	r.printf("%s\n", r.st.title.Render(fmt.Sprintf("━━ Experiment %d · %s", x.Number, x.Title)))
	r.printf("%s%s\n", r.indent, wordwrap(x.Setup, 96, r.indent))
	r.printf("%s%s %s\n", r.indent, r.st.label.Render("Change:"), x.Change)
	r.commands(x.CLI(names, id))
}

func (r *report) experimentDone(x steps.Experiment, names ledger.Names, id awsops.Identity, o steps.ExperimentOutcome) {
	if r.json != nil {
		rec := experimentRecord{Experiment: x.Number, ID: x.ID, Title: x.Title, Setup: x.Setup, Change: x.Change,
			Predict: x.Predict, Expect: x.Expect, CLI: x.CLI(names, id), Trial: o.Trial, Why: x.Why, Problems: o.Problems}
		if o.Err != nil {
			rec.Error = o.Err.Error()
		}
		if r.werr == nil {
			r.werr = r.json.Encode(rec)
		}
		return
	}
	for _, p := range o.Trial.Probes {
		mark := r.st.ok.Render("✓ allowed")
		if p.Decision != awsops.Allowed {
			mark = r.st.denied.Render("✗ denied ")
		}
		line := fmt.Sprintf("%s%s  %s", r.indent, mark, p.Call)
		if p.Status != "" {
			line += " (table " + p.Status + ")"
		}
		if p.Code != "" {
			line += ": " + p.Code
		}
		r.printf("%s\n", line)
		if p.Note != "" {
			r.printf("%s           %s\n", r.indent, r.st.dim.Render(p.Note))
		}
		if p.Reason != "" {
			r.printf("%s           %s\n", r.indent, r.st.dim.Render(wordwrap(p.Reason, 84, r.indent+"           ")))
		}
		if p.TableTold != nil {
			// A table policy let the call through to KMS: DynamoDB's part first.
			r.printf("%s           %s\n", r.indent, wordwrap("DynamoDB: "+p.TableTold.Summary, 84, r.indent+"           "))
		}
		if p.Told != nil {
			r.printf("%s           %s\n", r.indent, wordwrap("why: "+p.Told.Summary, 84, r.indent+"           "))
		}
	}
	if o.Trial.CacheTTL > 0 {
		r.printf("%s%-14s %s\n", r.indent, "Cache TTL", o.Trial.CacheTTL)
	}
	for _, d := range o.Trial.Diffs {
		r.printf("%s%s\n", r.indent, r.st.label.Render(d.Label+":"))
		r.diffText(d.Text)
	}
	if p, ok := o.Trial.Probe(x.Predict); ok && p.Trace != nil {
		r.printf("%s%s\n", r.indent, r.st.label.Render("Trace of "+p.Call+", the call you predicted:"))
		for _, l := range steps.TraceOf(p.Trace) {
			pad := r.indent + "  " + strings.Repeat("  ", l.Depth)
			r.printf("%s%s %s\n", pad, orDot(l.Mark), wordwrap(l.Text, 90, pad+"  "))
		}
	}
	r.printf("%s%s %s\n", r.indent, r.st.label.Render("Lesson:"), wordwrap(x.Why, 90, r.indent+"        "))
	for _, n := range o.Trial.Notes {
		r.printf("%s%s\n", r.indent, r.st.dim.Render(wordwrap(n, 96, r.indent)))
	}
	switch {
	case o.Trial.Restored:
		r.printf("%s%s\n", r.indent, r.st.ok.Render("✓ restored "+r.course.Baseline()+" (key policy, key state, IAM policies, grants, table policy, items read back equal)"))
	default:
		r.printf("%s%s %s\n", r.indent, r.st.fail.Render("✗ not restored:"), o.Trial.Mismatch)
	}
	for _, p := range o.Problems {
		r.printf("%s%s %s\n", r.indent, r.st.fail.Render("✗ not as on AWS:"), p)
	}
	r.printf("\n")
}

// diff prints a unified diff, additions and deletions colored.
func (r *report) diffText(text string) {
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		switch {
		case strings.HasPrefix(line, "+") && !strings.HasPrefix(line, "+++"):
			line = r.st.add.Render(line)
		case strings.HasPrefix(line, "-") && !strings.HasPrefix(line, "---"):
			line = r.st.del.Render(line)
		}
		r.printf("%s%s\n", r.indent, line)
	}
}

func orDot(mark string) string {
	if mark == "" {
		return "•"
	}
	return mark
}
