package ui

import (
	"strings"

	"kmslab/awsops"
	"kmslab/steps"
)

// probeWhy is what the result screen says under one probe: its own trace,
// told by policy.Narrate, so the sentence is about that very call.
// A call a table policy let through to KMS tells DynamoDB's decision first.
func probeWhy(w int, p awsops.Probe) []string {
	var out []string
	if p.TableTold != nil {
		out = append(out, indentWrapped("   ", wrapText("DynamoDB: "+p.TableTold.Summary, max(w-3, 10), "/:")))
	}
	if p.Told != nil {
		out = append(out, indentWrapped("   ", wrapText("why: "+p.Told.Summary, max(w-3, 10), "/:")))
	}
	return out
}

// predictedTrace is the trace of the call the learner predicted, statement
// by statement: the one trace the result screen details, taken with that
// call.
func predictedTrace(c common, w int, x steps.Experiment, t awsops.Trial) []string {
	st := c.styles
	p, ok := t.Probe(x.Predict)
	if !ok || p.Trace == nil {
		return nil
	}
	out := []string{c.section("Trace · " + p.Call + ", the call you predicted")}
	for _, l := range steps.TraceOf(p.Trace) {
		pad := strings.Repeat("  ", l.Depth+1)
		mark := l.Mark
		switch mark {
		case "✓", "▸":
			mark = st.OK.Render(mark)
		case "✗", "!":
			mark = st.Error.Render(mark)
		case "":
			mark = "•"
		}
		// IAM ARNs as names, as the WHY panel writes them: within one
		// account the name tells callers apart, and an ARN fills a line.
		text := wrapText(shortARNs(l.Text), max(w-len(pad)-2, 10), "/:")
		out = append(out, pad+mark+" "+strings.ReplaceAll(text, "\n", "\n"+pad+"  "))
	}
	return out
}

func indentWrapped(pad, s string) string {
	return pad + strings.ReplaceAll(s, "\n", "\n"+pad)
}
